using System.Diagnostics;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;

namespace CareLedger.Bench;

/// <summary>Blocks committed inside a window: how many, how full, how often.</summary>
public sealed record BlockFigures(int Blocks, long Transactions, int Largest, double MeanIntervalMs)
{
    public double MeanSize => Blocks == 0 ? 0 : (double)Transactions / Blocks;
}

/// <summary>Where a load learns which blocks were committed inside its measured window (Stopwatch timestamps).</summary>
public interface IBlockLog
{
    Task<BlockFigures> BetweenAsync(long from, long to, CancellationToken ct);
}

/// <summary>Notes the time and size of every block the node commits, from the chain's own event.</summary>
public sealed class BlockLog : IBlockLog, IDisposable
{
    private readonly LedgerChain _chain;
    private readonly List<(long At, int Transactions)> _blocks = [];
    private readonly Lock _lock = new();

    public BlockLog(LedgerChain chain)
    {
        _chain = chain;
        _chain.BlockCommitted += OnCommitted;
    }

    private void OnCommitted(Block block)
    {
        lock (_lock) _blocks.Add((Stopwatch.GetTimestamp(), block.Transactions.Count));
    }

    public BlockFigures Between(long from, long to)
    {
        lock (_lock)
        {
            var inside = _blocks.Where(b => b.At >= from && b.At < to).ToList();
            if (inside.Count == 0) return new BlockFigures(0, 0, 0, 0);
            var interval = inside.Count < 2 ? 0 : Stopwatch.GetElapsedTime(inside[0].At, inside[^1].At).TotalMilliseconds / (inside.Count - 1);
            return new BlockFigures(inside.Count, inside.Sum(b => (long)b.Transactions), inside.Max(b => b.Transactions), interval);
        }
    }

    public Task<BlockFigures> BetweenAsync(long from, long to, CancellationToken ct) => Task.FromResult(Between(from, to));

    public void Dispose() => _chain.BlockCommitted -= OnCommitted;
}
