using System.Security.Cryptography;
using System.Text.Json;

namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// A third-party app the operator registered for SMART on FHIR (ADR 0025): its public client id, the name patients see,
/// the redirect URIs it may use (exact match), and the custodial key the node reads with for it (<see cref="KeyName"/>
/// in the custodial keystore, account <see cref="Account"/>, a <c>service</c> member of the node's organisation).
/// </summary>
public sealed record RegisteredApp(string ClientId, string Name, IReadOnlyList<string> RedirectUris, string KeyName, string Account, DateTimeOffset Created);

/// <summary>
/// <c>apps.json</c> in the custodial keystore folder: the SMART apps a node lets in. The operator's
/// <c>careledger fhir app</c> commands write it, also while the node runs; the node re-reads it when it changes, as it does
/// <c>tokens.json</c>. Every write replaces the file whole, readable by its owner only. It holds no secret (public clients).
/// </summary>
public sealed class RegisteredApps(string custodialFolder)
{
    public const string FileName = "apps.json";
    public const string KeyPrefix = "app-";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(custodialFolder, FileName);

    public IReadOnlyList<RegisteredApp> Read() =>
        File.Exists(Path) ? JsonSerializer.Deserialize<List<RegisteredApp>>(File.ReadAllText(Path), Json) ?? [] : [];

    /// <summary>A fresh client id: 16 random bytes in lowercase hex, so that nobody can guess another app's.</summary>
    public static string NewClientId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public void Add(RegisteredApp app) => Write([.. Read().Where(a => a.ClientId != app.ClientId), app]);

    /// <summary>Removes an app; whether it was there.</summary>
    public bool Remove(string clientId)
    {
        var apps = Read();
        var kept = apps.Where(a => a.ClientId != clientId).ToList();
        if (kept.Count == apps.Count) return false;
        Write(kept);
        return true;
    }

    /// <summary>
    /// Whether a redirect URI is one an app may register: absolute https, or http on a loopback host (RFC 8252 §7.3, native
    /// apps and development), without a fragment (RFC 6749 §3.1.2).
    /// </summary>
    public static string? CheckRedirectUri(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http")) return $"'{uri}' is not an absolute http(s) URI";
        if (u.Fragment.Length > 0) return $"'{uri}' has a fragment, which a redirect URI may not have";
        if (u.Scheme == "http" && !u.IsLoopback) return $"'{uri}' is plain http to a host other than this machine; use https";
        return null;
    }

    private void Write(List<RegisteredApp> apps)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = $"{Path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(apps, Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, Path, overwrite: true);
    }
}
