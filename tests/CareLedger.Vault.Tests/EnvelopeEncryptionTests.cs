using System.Text;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Crypto;

namespace CareLedger.Vault.Tests;

public class EnvelopeEncryptionTests
{
    private const string RecordId = "0123456789abcdef0123456789abcdef";
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("""{"resourceType":"Observation","status":"final"}""");

    [Fact]
    public void Encrypt_ThenDecrypt_ReturnsThePlaintext()
    {
        var key = RecordCipher.NewDataKey();
        var blob = RecordCipher.Encrypt(Plaintext, key, RecordId, 1);
        Assert.Equal(Plaintext, RecordCipher.Decrypt(blob, key, RecordId, 1));
        Assert.DoesNotContain("Observation", Encoding.UTF8.GetString(blob));
    }

    [Fact]
    public void Decrypt_TamperedCiphertext_Fails()
    {
        var key = RecordCipher.NewDataKey();
        var blob = RecordCipher.Encrypt(Plaintext, key, RecordId, 1);
        blob[20] ^= 1;
        Assert.Throws<VaultCryptoException>(() => RecordCipher.Decrypt(blob, key, RecordId, 1));
    }

    [Fact]
    public void Decrypt_AsAnotherRecordOrVersion_Fails()
    {
        var key = RecordCipher.NewDataKey();
        var blob = RecordCipher.Encrypt(Plaintext, key, RecordId, 1);
        Assert.Throws<VaultCryptoException>(() => RecordCipher.Decrypt(blob, key, RecordId, 2));
        Assert.Throws<VaultCryptoException>(() => RecordCipher.Decrypt(blob, key, "ffffffffffffffffffffffffffffffff", 1));
    }

    [Fact]
    public void Unwrap_ByTheReader_GivesTheDataKey()
    {
        using var reader = SigningKey.Generate();
        var dataKey = RecordCipher.NewDataKey();
        var wrapped = KeyWrap.Wrap(dataKey, reader.PublicKey, RecordId);
        Assert.Equal(dataKey, KeyWrap.Unwrap(wrapped, reader, RecordId));
    }

    [Fact]
    public void Unwrap_BySomeoneElse_Fails()
    {
        using var reader = SigningKey.Generate();
        using var other = SigningKey.Generate();
        var wrapped = KeyWrap.Wrap(RecordCipher.NewDataKey(), reader.PublicKey, RecordId);
        Assert.Throws<VaultCryptoException>(() => KeyWrap.Unwrap(wrapped, other, RecordId));
    }

    [Fact]
    public void Unwrap_ForAnotherRecord_Fails()
    {
        using var reader = SigningKey.Generate();
        var wrapped = KeyWrap.Wrap(RecordCipher.NewDataKey(), reader.PublicKey, RecordId);
        Assert.Throws<VaultCryptoException>(() => KeyWrap.Unwrap(wrapped, reader, "ffffffffffffffffffffffffffffffff"));
    }

    [Fact]
    public void Unwrap_ForgedOrAlteredKey_Fails()
    {
        using var reader = SigningKey.Generate();
        var wrapped = KeyWrap.Wrap(RecordCipher.NewDataKey(), reader.PublicKey, RecordId);
        var altered = (byte[])wrapped.Clone();
        altered[^3] ^= 1;
        Assert.Throws<VaultCryptoException>(() => KeyWrap.Unwrap(altered, reader, RecordId));
        Assert.Throws<VaultCryptoException>(() => KeyWrap.Unwrap([1, 2, 3], reader, RecordId));
    }

    [Fact]
    public void WrappedKeySetHash_ChangesWithAnyKey()
    {
        var a = new WrappedKeySet();
        a.Add("x", [1, 2]);
        var b = new WrappedKeySet();
        b.Add("x", [1, 3]);
        Assert.NotEqual(a.Hash(), b.Hash());
        Assert.Equal(a.Hash(), WrappedKeySet.Decode(a.Encode()).Hash());
    }
}
