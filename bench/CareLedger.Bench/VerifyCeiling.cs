using System.Diagnostics;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Bench;

/// <summary>
/// ECDSA P-256 verifications per second through the node's own verifier (with its per-thread key
/// cache), on one thread and on every core: the ceiling on how fast a node can admit transactions.
/// </summary>
public static class VerifyCeiling
{
    public sealed record Figures(double SingleThread, double AllCores, int Cores);

    private sealed record Sample(byte[] PublicKey, Hash256 Digest, byte[] Signature);

    public static Figures Measure(TimeSpan each)
    {
        var samples = Enumerable.Range(0, 64).SelectMany(_ => Signed(8)).ToArray();
        var single = Rate(samples, each);
        var cores = Environment.ProcessorCount;
        var perCore = new double[cores];
        Parallel.For(0, cores, new ParallelOptions { MaxDegreeOfParallelism = cores }, c => perCore[c] = Rate(samples, each));
        return new Figures(single, perCore.Sum(), cores);
    }

    private static IEnumerable<Sample> Signed(int count)
    {
        using var key = SigningKey.Generate();
        for (var i = 0; i < count; i++)
        {
            var digest = Hash256.Of(BitConverter.GetBytes(Random.Shared.NextInt64()));
            yield return new Sample(key.PublicKey, digest, key.Sign(digest));
        }
    }

    private static double Rate(Sample[] samples, TimeSpan each)
    {
        foreach (var s in samples) Check(s);
        var started = Stopwatch.GetTimestamp();
        long verified = 0;
        while (Stopwatch.GetElapsedTime(started) < each)
        {
            foreach (var s in samples) Check(s);
            verified += samples.Length;
        }
        return verified / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static void Check(Sample s)
    {
        if (!SignatureVerifier.Verify(s.PublicKey, s.Digest, s.Signature)) throw new InvalidOperationException("a benchmark signature did not verify");
    }
}
