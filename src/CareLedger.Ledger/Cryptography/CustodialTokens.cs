using System.Security.Cryptography;
using System.Text.Json;

namespace CareLedger.Ledger.Cryptography;

/// <summary>
/// The bearer tokens that let a practitioner use the key a node holds for them (ADR 0006): <c>tokens.json</c> in the
/// custodial keystore folder maps SHA-256(token) to a key name. A token is shown once when issued and never stored.
/// The node reads the file (and re-reads it when it changes); the operator's <c>careledger fhir access</c> commands
/// write it, also while the node runs. Every write replaces the file whole, readable by its owner only.
/// </summary>
public sealed class CustodialTokens(string custodialFolder)
{
    public const string FileName = "tokens.json";
    private const string Prefix = "clf_";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(custodialFolder, FileName);

    /// <summary>Token hash → key name, as the file holds them now.</summary>
    public Dictionary<string, string> Read() =>
        File.Exists(Path) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path), Json) ?? [] : [];

    /// <summary>A new token for the key <paramref name="keyName"/>; only its hash is kept.</summary>
    public string Issue(string keyName)
    {
        var token = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Write(new Dictionary<string, string>(Read()) { [Hash(token)] = keyName });
        return token;
    }

    /// <summary>Withdraws every token of the key <paramref name="keyName"/>; how many there were.</summary>
    public int Withdraw(string keyName)
    {
        var tokens = Read();
        var kept = tokens.Where(t => t.Value != keyName).ToDictionary();
        if (kept.Count != tokens.Count) Write(kept);
        return tokens.Count - kept.Count;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private void Write(Dictionary<string, string> tokens)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = $"{Path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(tokens, Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, Path, overwrite: true);
    }
}
