using System.Runtime;

namespace CareLedger.Bench;

/// <summary>
/// The end of a warm-up, for code that runs in the bench's own process. .NET compiles a method quickly first, then
/// again, optimised with what its first calls showed, on a background thread. Under load on a small machine that thread
/// gets little of the cores: on two cores, the HTTP run was still recompiling 15 s after its load began, spending about
/// 15 % of the CPU on it and running slower code meanwhile (361 us of CPU per transaction measured after a 5 s warm-up,
/// 299 us after 20 s). A node runs for days, so its steady state is what the bench reports: the warm-up goes on past its
/// minimum while the process still compiles more than <see cref="SettledPerSecond"/> methods a second, for at most
/// <see cref="MaxStretch"/> times the minimum and while no client has used more than half its pre-signed transactions.
/// </summary>
public static class JitSettling
{
    public const int SettledPerSecond = 50;
    public const int MaxStretch = 4;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    /// <summary>Waits until the process compiles little, or a limit is reached; true if it settled.</summary>
    public static async Task<bool> WaitAsync(TimeSpan minimum, Func<double> usedFraction, CancellationToken ct)
    {
        var limit = minimum * (MaxStretch - 1);
        var waited = TimeSpan.Zero;
        var compiled = JitInfo.GetCompiledMethodCount();
        while (waited < limit && usedFraction() < 0.5)
        {
            await Task.Delay(Step, ct);
            waited += Step;
            var now = JitInfo.GetCompiledMethodCount();
            if (now - compiled <= SettledPerSecond) return true;
            compiled = now;
        }
        return false;
    }
}
