using CareLedger.Ledger.Cryptography;
using Microsoft.JSInterop;

namespace CareLedger.Portal.Crypto;

/// <summary>
/// An invitation's one-time key, from its link, held by WebCrypto to sign the acceptance and then forgotten. Its public
/// half is the one the invitation names on the ledger.
/// </summary>
public sealed class OneTimeKey : IAccountKey, IAsyncDisposable
{
    private readonly KeysModule _keys;
    private readonly IJSObjectReference _handle;

    private OneTimeKey(KeysModule keys, IJSObjectReference handle, byte[] publicKey)
    {
        _keys = keys;
        _handle = handle;
        PublicKey = publicKey;
        Account = AccountId.FromPublicKey(publicKey);
    }

    public byte[] PublicKey { get; }
    public AccountId Account { get; }

    public static async Task<OneTimeKey> OpenAsync(KeysModule keys, byte[] pkcs8, byte[] publicKey) =>
        new(keys, await keys.CallAsync<IJSObjectReference>("openOneTimeKey", pkcs8), publicKey);

    /// <summary>A fresh one-time key for a new invitation: its public half (SPKI) and its private half (PKCS#8) for the link.</summary>
    public static async Task<(byte[] PublicKey, byte[] Pkcs8)> CreateAsync(KeysModule keys)
    {
        var made = await keys.CallAsync<System.Text.Json.JsonElement>("newOneTimeKey");
        return (Convert.FromBase64String(made.GetProperty("publicKey").GetString()!), Convert.FromBase64String(made.GetProperty("pkcs8").GetString()!));
    }

    public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> message) =>
        LowS.Normalize(await _keys.CallAsync<byte[]>("sign", _handle, message.ToArray()));

    public ValueTask<byte[]> AgreeAsync(ReadOnlyMemory<byte> peerPublicKey) =>
        throw new NotSupportedException("an invitation's one-time key only signs its acceptance");

    public ValueTask DisposeAsync() => _handle.DisposeAsync();
}
