using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Storage;

/// <summary>Where a transaction sits in the chain.</summary>
public readonly record struct TxLocation(ulong Height, int Index);

/// <summary>A block as stored: raw header and body bytes, decoded only when asked.</summary>
public sealed record StoredBlock(ulong Height, byte[] Header, byte[] Body);

/// <summary>
/// Durable block store and world state.
/// <para>
/// Block-level I/O is asynchronous and cancellable. <see cref="AppendAsync"/> is the durability point:
/// once it completes, a crash loses neither the block nor its state writes. Lookups return
/// <see cref="ValueTask{TResult}"/> because they often complete at once (SQLite's calls are synchronous;
/// another store answers recent blocks from memory); writes return <see cref="Task"/>.
/// </para>
/// <para>
/// Reading state stays synchronous (<see cref="IStateReader"/>, <see cref="ExecutionState"/>): contracts are
/// pure, synchronous and deterministic, and read state while they execute a transaction, so a store must
/// serve state reads from memory or a local page cache. The <see cref="IStateReader"/> methods are safe to
/// call from any thread.
/// </para>
/// </summary>
public interface ILedgerStore : IStateReader, IDisposable
{
    /// <summary>The latest block's header, or null before genesis; kept in memory, so reading it does no I/O.</summary>
    BlockHeader? Head { get; }

    /// <summary>A reader for the one flow that executes blocks; it sees exactly the committed state.</summary>
    IStateReader ExecutionState { get; }

    /// <summary>
    /// Stores the block after the head with its state writes, atomically and durably. Cancellation is
    /// observed before anything is written; once begun, the block is written whole.
    /// </summary>
    /// <exception cref="InvalidOperationException">The block does not follow the head, or the store is read-only; nothing is written.</exception>
    Task AppendAsync(Block block, IReadOnlyList<KeyValuePair<string, byte[]?>> writes, CancellationToken ct);

    /// <summary>Block <paramref name="height"/> with every signature kept for it (see <see cref="AddSignaturesAsync(ulong, IReadOnlyList{BlockSignature}, CancellationToken)"/>), or null.</summary>
    ValueTask<Block?> GetBlockAsync(ulong height, CancellationToken ct);

    /// <summary>The block whose header hashes to <paramref name="hash"/>, as <see cref="GetBlockAsync(ulong, CancellationToken)"/> gives it, or null.</summary>
    ValueTask<Block?> GetBlockAsync(Hash256 hash, CancellationToken ct);

    /// <summary>Where a committed transaction sits, or null when no stored block holds it.</summary>
    ValueTask<TxLocation?> FindTransactionAsync(Hash256 id, CancellationToken ct);

    /// <summary>
    /// The stored blocks from <paramref name="fromHeight"/> to <paramref name="toHeight"/> inclusive, in height
    /// order, exactly as appended (without signatures kept later).
    /// </summary>
    IAsyncEnumerable<StoredBlock> ReadBlocksAsync(ulong fromHeight = 0, ulong toHeight = ulong.MaxValue, CancellationToken ct = default);

    /// <summary>
    /// Keeps validator signatures over block <paramref name="height"/>'s header hash that arrived after
    /// the block was stored; <see cref="GetBlockAsync(ulong, CancellationToken)"/> returns them after the body's own.
    /// Idempotent: a validator key's signature is kept once, and the body's wins. The caller has verified them.
    /// Safe to call from any thread, concurrently with <see cref="AppendAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No block is stored at <paramref name="height"/>; nothing is kept.</exception>
    Task AddSignaturesAsync(ulong height, IReadOnlyList<BlockSignature> signatures, CancellationToken ct);

    /// <summary>The same for signatures over several blocks, in one durable write.</summary>
    Task AddSignaturesAsync(IReadOnlyList<(ulong Height, BlockSignature Signature)> signatures, CancellationToken ct);
}

/// <summary>A store this build cannot read: written with another protocol version's encodings.</summary>
public sealed class LedgerFormatException(string message) : InvalidOperationException(message);
