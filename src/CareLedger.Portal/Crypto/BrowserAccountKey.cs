using System.Text.Json;
using CareLedger.Ledger.Cryptography;
using Microsoft.JSInterop;

namespace CareLedger.Portal.Crypto;

/// <summary>
/// An account key unlocked in this browser: a handle to two non-extractable WebCrypto keys made from the same PKCS#8
/// (ECDSA to sign, ECDH to agree). The private key never enters .NET memory, and no script can read it back out.
/// </summary>
public sealed class BrowserAccountKey : IAccountKey, IAsyncDisposable
{
    private readonly KeysModule _keys;
    private readonly IJSObjectReference _handle;

    internal BrowserAccountKey(KeysModule keys, IJSObjectReference handle, string name, byte[] publicKey)
    {
        _keys = keys;
        _handle = handle;
        Name = name;
        PublicKey = publicKey;
        Account = AccountId.FromPublicKey(publicKey);
    }

    internal IJSObjectReference Handle => _handle;

    /// <summary>The key's name in the browser's key store (and its CLI file name, without <c>.key.json</c>).</summary>
    public string Name { get; }
    public byte[] PublicKey { get; }
    public AccountId Account { get; }

    /// <summary>WebCrypto leaves s as it comes; the ledger accepts only the low form, so it is normalised here.</summary>
    public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> message) =>
        LowS.Normalize(await _keys.CallAsync<byte[]>("sign", _handle, message.ToArray()));

    public async ValueTask<byte[]> AgreeAsync(ReadOnlyMemory<byte> peerPublicKey) =>
        await _keys.CallAsync<byte[]>("agree", _handle, peerPublicKey.ToArray());

    /// <summary>Lets the JavaScript side drop its CryptoKeys (the browser forgets them with the tab in any case).</summary>
    public ValueTask DisposeAsync() => _handle.DisposeAsync();

    internal static async Task<BrowserAccountKey> FromHandleAsync(KeysModule keys, IJSObjectReference handle)
    {
        // A JsonElement, read by hand: trimming cannot take away members that no type declares.
        var info = await keys.CallAsync<JsonElement>("describe", handle);
        var name = info.GetProperty("name").GetString()!;
        var key = new BrowserAccountKey(keys, handle, name, Convert.FromBase64String(info.GetProperty("publicKey").GetString()!));
        if (key.Account.ToString() != info.GetProperty("account").GetString())
            throw new KeyStoreException($"key '{name}' is damaged: its account is not its public key's");
        return key;
    }
}
