using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CareLedger.Node.Live;

/// <summary>
/// The TURN relay the consultation rooms offer (section CareLedger:Turn), for people whose networks block a direct
/// path: coturn run next to the node with <c>--use-auth-secret --static-auth-secret=…</c>. Without Urls the rooms offer
/// no relay (the demo on one machine needs none).
/// </summary>
public sealed class TurnOptions
{
    public const string Section = "CareLedger:Turn";

    /// <summary>e.g. turn:turn.clinic.example:3478?transport=udp</summary>
    public string[] Urls { get; set; } = [];

    /// <summary>The secret shared with coturn (its static-auth-secret); never logged, never sent.</summary>
    public string? Secret { get; set; }

    /// <summary>How long credentials handed to a room's participant work.</summary>
    [Range(1, 24 * 60)] public int TtlMinutes { get; set; } = 60;

    /// <summary>Send all media through the relay, so that neither party learns the other's IP address.</summary>
    public bool RelayOnly { get; set; }

    public bool Configured => Urls.Length > 0 && !string.IsNullOrEmpty(Secret);
}

/// <summary>An ICE server as WebRTC takes it.</summary>
public sealed record IceServer(string[] Urls, string? Username, string? Credential);

/// <summary>
/// Time-limited TURN credentials, the TURN REST scheme coturn checks with <c>use-auth-secret</c>: the user name is
/// "{expiry in Unix seconds}:{account}" and the password HMAC-SHA1(secret, user name) in Base64. Nothing is stored;
/// coturn recomputes the password and refuses it after the expiry.
/// </summary>
public static class TurnCredentials
{
    public static IceServer Issue(TurnOptions turn, string account, DateTimeOffset now)
    {
        var user = $"{(now + TimeSpan.FromMinutes(turn.TtlMinutes)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}:{account}";
        return new IceServer(turn.Urls, user, Password(turn.Secret!, user));
    }

    public static string Password(string secret, string user) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(user)));
}
