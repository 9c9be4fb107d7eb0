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

    /// <summary>
    /// Keeps validator signatures over block <paramref name="height"/>'s header hash that arrived after
    /// the block was stored; <see cref="GetBlock(ulong)"/> returns them after the body's own. Idempotent:
    /// a validator key's signature is kept once, and the body's wins. The caller has verified them.
    /// Safe to call from any thread, concurrently with <see cref="Append"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No block is stored at <paramref name="height"/>; nothing is kept.</exception>
    void AddSignatures(ulong height, IReadOnlyList<BlockSignature> signatures);

    /// <summary>The same for signatures over several blocks, in one durable write.</summary>
    void AddSignatures(IReadOnlyList<(ulong Height, BlockSignature Signature)> signatures);
    IEnumerable<StoredBlock> ReadBlocks(ulong fromHeight = 0);
}
