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

    /// <summary>At most this many requests, codes and tokens are kept at once, so anonymous callers cannot fill the node's memory.</summary>
    public int MaxPending { get; set; } = 10_000;
}
