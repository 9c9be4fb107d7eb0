using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Storage;

/// <summary>Where a transaction sits in the chain.</summary>
public readonly record struct TxLocation(ulong Height, int Index);

/// <summary>A block as stored: raw header and body bytes, decoded only when asked.</summary>
public sealed record StoredBlock(ulong Height, byte[] Header, byte[] Body);

/// <summary>
/// Durable block store and world state. <see cref="Append"/> makes a block and its state
/// writes durable atomically: after it returns, a crash loses neither.
/// The <see cref="IStateReader"/> methods are safe to call from any thread.
/// </summary>
public interface ILedgerStore : IStateReader, IDisposable
{
    /// <summary>The latest block's header, or null before genesis.</summary>
    BlockHeader? Head { get; }

    /// <summary>A reader for the single thread that executes blocks; it sees exactly the committed state.</summary>
    IStateReader ExecutionState { get; }

    Block? GetBlock(ulong height);
    Block? GetBlock(Hash256 hash);
    TxLocation? FindTransaction(Hash256 id);
    void Append(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes);
    IEnumerable<StoredBlock> ReadBlocks(ulong fromHeight = 0);
}
