using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests;

public class TransactionTests
{
    private readonly SigningKey _key = SigningKey.Generate();

    [Fact]
    public void Decode_OfEncoded_GivesSameFieldsAndId()
    {
        var tx = TestChain.Put(_key, 5, "k", 9);
        Assert.True(Transaction.TryDecode(tx.Encode(), out var back, out var error), error);
        Assert.Equal(tx.Id, back!.Id);
        Assert.Equal(5UL, back.Nonce);
        Assert.Equal(_key.Account, back.Sender);
        Assert.Equal("put", back.Action);
        Assert.Equal(9L, back.Args.GetInt("value"));
        Assert.True(back.VerifySignature());
    }

    [Fact]
    public async Task CreateAsync_SignsTheBody_SoTheSignatureVerifiesAsTheSameTransaction()
    {
        var args = new Encoding.CborMap { ["key"] = "k", ["value"] = 9L };
        var signedHere = Transaction.Create(_key, "chain", 3, 1_000, "test", "put", args);
        var signedElsewhere = await Transaction.CreateAsync(_key, "chain", 3, 1_000, "test", "put", args);

        Assert.Equal(signedHere.Id, signedElsewhere.Id);
        Assert.True(signedElsewhere.VerifySignature());
        Assert.True(LowS.IsLow(signedElsewhere.Signature));
        Assert.True(Transaction.TryDecode(signedElsewhere.Encode(), out var back, out _) && back!.VerifySignature());
    }

    [Fact]
    public async Task RequestSignature_SignAsync_VerifiesLikeTheSynchronousOne()
    {
        var audience = RequestAudience.Of("chain", SigningKey.Generate().PublicKey);
        var header = await RequestSignature.SignAsync(_key, audience, "POST", "/v1/records?x=1", 42, "body"u8.ToArray());

        Assert.True(RequestSignature.TryParse(header, out var key, out var time, out var sig));
        Assert.True(RequestSignature.Verify(key, audience, "POST", "/v1/records?x=1", time, System.Security.Cryptography.SHA256.HashData("body"u8), sig));
        Assert.False(RequestSignature.Verify(key, audience, "POST", "/v1/records?x=2", time, System.Security.Cryptography.SHA256.HashData("body"u8), sig));
    }

    [Fact]
    public void VerifySignature_AfterAnyBodyByteFlips_Fails()
    {
        var envelope = TestChain.Put(_key, 1, "k", 1).Encode();
        var failures = 0;
        for (var i = 0; i < envelope.Length; i++)
        {
            var copy = (byte[])envelope.Clone();
            copy[i] ^= 0x01;
            if (!Transaction.TryDecode(copy, out var tx, out _) || !tx!.VerifySignature()) failures++;
        }
        Assert.Equal(envelope.Length, failures);
    }

    [Fact]
    public void VerifySignature_SignedByAnotherKey_Fails()
    {
        using var other = SigningKey.Generate();
        var tx = TestChain.Put(_key, 1, "k", 1);
        var forged = tx with { Signature = other.Sign(tx.Id) };
        Assert.False(forged.VerifySignature());
    }

    [Fact]
    public void TryDecode_Oversized_IsRejectedWithReason()
    {
        Assert.False(Transaction.TryDecode(new byte[Transaction.MaxSize + 1], out _, out var error));
        Assert.Contains("limit", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("820102")]
    [InlineData("8240405555")]
    public void TryDecode_Garbage_IsRejectedWithoutThrowing(string hex)
    {
        Assert.False(Transaction.TryDecode(Convert.FromHexString(hex), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Id_IsSha256OfBody_AndSignatureIsOverId()
    {
        var tx = TestChain.Put(_key, 1, "k", 1);
        Assert.Equal(Hash256.Of(tx.Body), tx.Id);
        Assert.True(SignatureVerifier.Verify(_key.PublicKey, tx.Id, tx.Signature));
    }
}
