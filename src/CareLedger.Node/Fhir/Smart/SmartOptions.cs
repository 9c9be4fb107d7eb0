namespace CareLedger.Node.Fhir.Smart;

/// <summary>How long SMART's short-lived things live (configuration <c>CareLedger:Smart</c>); the defaults suit a deployment.</summary>
public sealed class SmartOptions
{
    public const string Section = "CareLedger:Smart";

    /// <summary>An authorization request waiting for the patient's answer in the portal.</summary>
    public TimeSpan RequestLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An authorization code, from the patient's approval to its exchange (RFC 6749 §4.1.2 recommends at most 10 minutes; SMART, 60 s).</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>An access token; never past the expiry of the grant behind it.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A refresh token (offline_access or online_access), from its issue; each refresh issues a new one. Never past the grant's expiry.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// At most this many authorization requests wait at once, in all, so anonymous callers cannot fill the node's memory. Codes
    /// and tokens do not count: only a signed-in patient's approval makes them, and they are swept when they expire.
    /// </summary>
    public int MaxPendingRequests { get; set; } = 10_000;

    /// <summary>At most this many authorization requests wait at once for one app, so a flood aimed at one app leaves the others working.</summary>
    public int MaxPendingPerApp { get; set; } = 1_000;

    /// <summary>The longest <c>state</c> an app may send (characters); a longer one is <c>invalid_request</c>.</summary>
    public int MaxStateLength { get; set; } = 1_024;
}
