using System.Text;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Crypto;

namespace CareLedger.Vault.Tests;

/// <summary>
/// The record formats over keys and primitives that answer asynchronously, as a browser's WebCrypto does: the same
/// bytes must open on either side (the portal's real WebCrypto is tested in CareLedger.Portal.Tests).
/// </summary>
public class KeyElsewhereTests
{
    private const string RecordId = "0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task AKeyWrappedInProcess_OpensWithAKeyThatAnswersLater()
    {
        using var reader = SigningKey.Generate();
        var dataKey = RecordCipher.NewDataKey();
        var wrapped = KeyWrap.Wrap(dataKey, reader.PublicKey, RecordId);

        var opened = await KeyWrap.UnwrapAsync(new LaterCrypto(), wrapped, new LaterKey(reader), RecordId);

        Assert.Equal(dataKey, opened);
    }

    [Fact]
    public async Task ARecordSealedWithLaterPrimitives_OpensInProcess()
    {
        using var reader = SigningKey.Generate();
        var dataKey = RecordCipher.NewDataKey();
        var plaintext = Encoding.UTF8.GetBytes("""{"resourceType":"Observation"}""");
        var blob = await RecordCipher.EncryptAsync(new LaterCrypto(), plaintext, dataKey, RecordId, 3);
        var wrapped = await KeyWrap.WrapAsync(new LaterCrypto(), dataKey, reader.PublicKey, RecordId);

        Assert.Equal(plaintext, RecordCipher.Decrypt(blob, KeyWrap.Unwrap(wrapped, reader, RecordId), RecordId, 3));
    }

    [Fact]
    public async Task AWrappedKey_ForSomeoneElse_DoesNotOpenWithAKeyThatAnswersLater()
    {
        using var reader = SigningKey.Generate();
        using var other = SigningKey.Generate();
        var wrapped = KeyWrap.Wrap(RecordCipher.NewDataKey(), reader.PublicKey, RecordId);

        await Assert.ThrowsAsync<VaultCryptoException>(async () => await KeyWrap.UnwrapAsync(new LaterCrypto(), wrapped, new LaterKey(other), RecordId));
    }

    /// <summary>A key whose every answer comes after a yield, like a JS promise.</summary>
    private sealed class LaterKey(SigningKey key) : IAccountKey
    {
        public byte[] PublicKey => key.PublicKey;
        public AccountId Account => key.Account;
        public async ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> message) { await Task.Yield(); return await key.SignAsync(message); }
        public async ValueTask<byte[]> AgreeAsync(ReadOnlyMemory<byte> peer) { await Task.Yield(); return await key.AgreeAsync(peer); }
    }

    /// <summary>.NET's primitives, each answered after a yield.</summary>
    private sealed class LaterCrypto : IRecordCrypto
    {
        private static readonly DotNetRecordCrypto Now = DotNetRecordCrypto.Instance;
        public async ValueTask<byte[]> EncryptAsync(byte[] k, byte[] n, byte[] p, byte[] a) { await Task.Yield(); return await Now.EncryptAsync(k, n, p, a); }
        public async ValueTask<byte[]> DecryptAsync(byte[] k, byte[] n, byte[] c, byte[] a) { await Task.Yield(); return await Now.DecryptAsync(k, n, c, a); }
        public async ValueTask<(byte[], byte[])> AgreeEphemeralAsync(byte[] peer) { await Task.Yield(); return await Now.AgreeEphemeralAsync(peer); }
        public async ValueTask<byte[]> HkdfAsync(byte[] s, byte[] salt, byte[] info, int length) { await Task.Yield(); return await Now.HkdfAsync(s, salt, info, length); }
    }
}
