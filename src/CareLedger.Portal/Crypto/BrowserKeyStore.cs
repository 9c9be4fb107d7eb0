using System.Text.Json;
using CareLedger.Ledger.Cryptography;
using Microsoft.JSInterop;

namespace CareLedger.Portal.Crypto;

/// <summary>
/// This browser's keys, in IndexedDB, each kept as the CLI's key file text (ADR 0003), verbatim: PKCS#8 sealed with
/// AES-256-GCM under PBKDF2-HMAC-SHA256 of the passphrase, the account as associated data. So a key made here is
/// exported as a file the CLI loads, and a CLI key file is imported as it is. Failures are <see cref="KeyStoreException"/>s
/// whose message is one sentence for the user.
/// </summary>
public sealed class BrowserKeyStore(KeysModule keys)
{
    /// <summary>PBKDF2 iterations for keys made here: the CLI's (OWASP 2023).</summary>
    public const int Iterations = KeyStore.DefaultIterations;

    public async Task<IReadOnlyList<KeyInfo>> ListAsync()
    {
        var rows = await keys.CallAsync<JsonElement>("list");
        return rows.EnumerateArray().Select(r => new KeyInfo(
            r.GetProperty("name").GetString()!,
            AccountId.Parse(r.GetProperty("account").GetString()!),
            Convert.FromBase64String(r.GetProperty("publicKey").GetString()!),
            DateTimeOffset.Parse(r.GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>A new P-256 key, made by WebCrypto, sealed into the store; returned unlocked, ready to use.</summary>
    public async Task<BrowserAccountKey> CreateAsync(string name, string passphrase)
    {
        CheckName(name);
        if (passphrase.Length < 4) throw new KeyStoreException("the passphrase must be at least 4 characters");
        return await BrowserAccountKey.FromHandleAsync(keys, await keys.CallAsync<IJSObjectReference>("create", name, passphrase, Iterations));
    }

    public async Task<BrowserAccountKey> UnlockAsync(string name, string passphrase) =>
        await BrowserAccountKey.FromHandleAsync(keys, await keys.CallAsync<IJSObjectReference>("unlock", name, passphrase));

    /// <summary>
    /// Takes a CLI key file's text, stored verbatim once its account is its public key's hash and the passphrase opens
    /// it; returned unlocked.
    /// </summary>
    public async Task<BrowserAccountKey> ImportAsync(string keyFileJson, string passphrase)
    {
        var name = NameIn(keyFileJson);
        CheckName(name);
        return await BrowserAccountKey.FromHandleAsync(keys, await keys.CallAsync<IJSObjectReference>("importFile", keyFileJson, passphrase));
    }

    /// <summary>Unlocks a key file's text without keeping it in the store (the demo's published identities, say).</summary>
    public async Task<BrowserAccountKey> OpenAsync(string keyFileJson, string passphrase) =>
        await BrowserAccountKey.FromHandleAsync(keys, await keys.CallAsync<IJSObjectReference>("openFile", keyFileJson, passphrase));

    /// <summary>The key file's text, for the CLI's key folder as <see cref="FileName"/>.</summary>
    public Task<string> ExportAsync(string name) => keys.CallAsync<string>("exportFile", name);

    /// <summary>Offers the key file as a download named as the CLI names it.</summary>
    public async Task DownloadAsync(string name) => await keys.CallAsync("download", FileName(name), await ExportAsync(name));

    public Task DeleteAsync(string name) => keys.CallAsync("remove", name);

    /// <summary>Keeps the signed-in key (its non-extractable CryptoKeys, no passphrase) so that a reload stays signed in for a while.</summary>
    public Task RememberAsync(BrowserAccountKey key) => keys.CallAsync("remember", key.Handle);

    /// <summary>The key of a session still running in this browser, or null.</summary>
    public async Task<BrowserAccountKey?> RecallAsync()
    {
        if (!await keys.CallAsync<bool>("hasSession")) return null;
        return await BrowserAccountKey.FromHandleAsync(keys, await keys.CallAsync<IJSObjectReference>("recall"));
    }

    public Task ForgetAsync() => keys.CallAsync("forget");

    public static string FileName(string name) => name + ".key.json";

    private static string NameIn(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        }
        catch (JsonException) { throw new KeyStoreException("this is not a CareLedger key file (it is not JSON)"); }
    }

    // The CLI's rule, so that every key here can become a file there.
    private static void CheckName(string name)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || name.StartsWith('.'))
            throw new KeyStoreException($"'{name}' is not a valid key name (letters, digits, '-', '_', '.'; at most 64)");
    }
}
