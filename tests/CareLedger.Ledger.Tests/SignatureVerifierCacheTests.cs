using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Tests;

/// <summary>
/// The verifier's key cache is shared by every thread and gives an instance to one thread at a time.
/// These tests read a process-wide import counter, so they run alone, after the other tests.
/// </summary>
[Collection(SignatureVerifierCacheCollection.Name)]
public sealed class SignatureVerifierCacheTests
{
    [Fact]
    public async Task Verify_SameKeyOnManyThreads_ImportsTheKeyOnce()
    {
        using var key = SigningKey.Generate();
        var digest = Hash256.Of("one sender, many threads"u8);
        var signature = key.Sign(digest);
        var before = SignatureVerifier.Imports;

        // Each verification on a thread of its own, one after another: a per-thread cache would import on each.
        for (var i = 0; i < 16; i++)
        {
            var verified = await Task.Factory.StartNew(() => SignatureVerifier.Verify(key.PublicKey, digest, signature),
                TaskCreationOptions.LongRunning);
            Assert.True(verified);
        }

        Assert.Equal(1, SignatureVerifier.Imports - before);
    }

    [Fact]
    public void Verify_ConcurrentlyForManyKeys_GivesEachSignatureItsOwnAnswer()
    {
        var keys = Enumerable.Range(0, 8).Select(_ => SigningKey.Generate()).ToArray();
        try
        {
            var digests = Enumerable.Range(0, 64).Select(i => Hash256.Of([(byte)i])).ToArray();
            var signatures = keys.Select(k => digests.Select(k.Sign).ToArray()).ToArray();
            var wrong = new int[1];
            Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
            {
                var k = n % keys.Length;
                var d = n / keys.Length % digests.Length;
                // A key's own signature of this digest verifies; the next key's does not.
                var good = SignatureVerifier.Verify(keys[k].PublicKey, digests[d], signatures[k][d]);
                var foreign = SignatureVerifier.Verify(keys[k].PublicKey, digests[d], signatures[(k + 1) % keys.Length][d]);
                if (!good || foreign) Interlocked.Increment(ref wrong[0]);
            });
            Assert.Equal(0, wrong[0]);
        }
        finally
        {
            foreach (var key in keys) key.Dispose();
        }
    }

    [Fact]
    public void Verify_MalformedKey_IsRefusedAndNotKept()
    {
        var malformed = new byte[91];
        malformed[0] = 0x30;
        var cached = SignatureVerifier.CachedKeys;

        Assert.False(SignatureVerifier.Verify(malformed, Hash256.Of("x"u8), new byte[SignatureVerifier.SignatureSize]));
        Assert.False(SignatureVerifier.IsValidPublicKey(malformed));

        Assert.Equal(cached, SignatureVerifier.CachedKeys);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SignatureVerifierCacheCollection
{
    public const string Name = "signature verifier cache";
}
