using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Storage;

namespace CareLedger.Ledger.Verification;

/// <summary>The verdict on a chain: valid, or the first block that fails and why.</summary>
public sealed record ChainReport(bool Valid, ulong BlocksChecked, ulong TransactionsChecked, ulong? FirstBadHeight, string? Reason, Hash256 StateRoot)
{
    /// <summary>After a replay: the state the chain builds.</summary>
    public MemoryState? State { get; init; }

    /// <summary>After a replay: the validators who sign the block after the last one checked.</summary>
    public IReadOnlySet<AccountId>? NextValidators { get; init; }

    /// <summary>The hash of the last block checked, when the chain is valid.</summary>
    public Hash256? HeadHash { get; init; }
}

/// <summary>
/// Checks a stored chain from its genesis block with the same <see cref="BlockCheck"/>s a node applies
/// to every block it accepts. <see cref="ReplayAsync"/> trusts nothing but block 0's genesis document and
/// the contracts: it re-executes every block into a fresh state, and judges each block's signatures
/// by the validator set of its height, following the votes that change it. <see cref="CheckStoredAsync"/>
/// is the quick check a node makes of its own store at start-up: decoding, links, Merkle roots and
/// every signature, without re-executing (so without knowing past validator sets).
/// </summary>
public sealed class ChainChecker(Func<GenesisDocument, ContractRuntime> runtimeFor, Func<GenesisDocument, IValidatorSet> validatorsFor)
{
    private static readonly ChainChecker WithoutReplay = new(
        _ => throw new InvalidOperationException("checking a stored chain executes nothing"),
        _ => throw new InvalidOperationException("checking a stored chain reads no state"));

    /// <summary>Replays <paramref name="blocks"/> (from block 0, in order) and checks each as <see cref="ChainChecker"/> says.</summary>
    public Task<ChainReport> ReplayAsync(IAsyncEnumerable<StoredBlock> blocks, Action<ulong>? progress = null, CancellationToken ct = default) =>
        WalkAsync(blocks, replay: true, progress, ct);

    /// <summary>Checks <paramref name="blocks"/> without re-executing them: signatures must verify, but whose they are is not judged.</summary>
    public static Task<ChainReport> CheckStoredAsync(IAsyncEnumerable<StoredBlock> blocks, CancellationToken ct = default) =>
        WithoutReplay.WalkAsync(blocks, replay: false, null, ct);

    private async Task<ChainReport> WalkAsync(IAsyncEnumerable<StoredBlock> blocks, bool replay, Action<ulong>? progress, CancellationToken ct)
    {
        var state = new MemoryState();
        BlockHeader? parent = null;
        BlockExecutor? executor = null;
        ValidatorHistory? validators = null;
        ulong transactions = 0, count = 0;

        ChainReport Bad(ulong height, string? reason) => new(false, count, transactions, height, reason, parent?.StateRoot ?? Hash256.Zero);

        await foreach (var stored in blocks.WithCancellation(ct))
        {
            if (stored.Height != count) return Bad(count, $"block {count} is missing");
            Block block;
            try { block = Block.Decode(stored.Header, stored.Body); }
            catch (FormatException e) { return Bad(stored.Height, e.Message); }
            if (block.Height != stored.Height) return Bad(stored.Height, $"its header says height {block.Height}");

            BlockVerdict verdict;
            IReadOnlyList<KeyValuePair<string, byte[]?>> writes = [];
            if (block.Height == 0)
            {
                if (Start(block, replay, out var start) is { } fault) return Bad(0, fault);
                (executor, validators, writes) = start!;
                verdict = BlockCheck.Signatures(block, validators?.Next, strict: true).Verdict;
            }
            else
            {
                verdict = BlockCheck.Links(parent!, block);
                if (verdict.Ok) verdict = BlockCheck.Contents(block);
                if (verdict.Ok) verdict = BlockCheck.Signatures(block, validators?.Next, strict: true).Verdict;
                if (verdict.Ok) verdict = BlockCheck.TransactionSignatures(block);
                if (verdict.Ok && replay)
                {
                    var executed = executor!.Execute(state, parent!, block.Transactions, block.Header.Time, block.Header.Proposer);
                    verdict = BlockCheck.Reproduces(executed, block);
                    writes = executed.Writes;
                }
            }
            if (!verdict.Ok) return Bad(block.Height, verdict.Reason);

            if (replay)
            {
                state.Apply(writes);
                validators!.OnApplied(block.Height, writes, state);
            }
            parent = block.Header;
            transactions += (ulong)block.Transactions.Count;
            count++;
            progress?.Invoke(block.Height);
        }

        if (parent is null) return new ChainReport(false, 0, 0, 0, "the chain is empty", Hash256.Zero);
        return new ChainReport(true, count, transactions, null, null, parent.StateRoot)
        {
            State = replay ? state : null,
            NextValidators = validators?.Next,
            HeadHash = parent.Hash(),
        };
    }

    /// <summary>Block 0 from its genesis document: the contracts it starts, its validators and (when replaying) the block it must be.</summary>
    /// <returns>Null when block 0 is sound, else what is wrong with it.</returns>
    private string? Start(Block block, bool replay, out GenesisStart? start)
    {
        start = null;
        if (block.Genesis is null) return "block 0 carries no genesis document";
        if (block.Transactions.Count > 0 || block.Header.PreviousHash != Hash256.Zero) return "block 0 holds more than its genesis document";
        try
        {
            var genesis = GenesisDocument.Decode(block.Genesis);
            if (!replay)
            {
                if (!BlockCheck.Contents(block).Ok) return "block 0's header does not match its genesis document";
                start = new GenesisStart(null, null, []);
                return null;
            }
            var executor = new BlockExecutor(runtimeFor(genesis));
            var executed = executor.ExecuteGenesis(genesis);
            if (executed.Header.Hash() != block.Hash) return "block 0 is not the block its genesis document gives";
            start = new GenesisStart(executor, new ValidatorHistory(validatorsFor(genesis), 0, genesis.ValidatorAccounts), executed.Writes);
            return null;
        }
        catch (Exception e) when (e is CborMapException or FormatException or InvalidOperationException)
        {
            return $"genesis: {e.Message}";
        }
    }

    private sealed record GenesisStart(BlockExecutor? Executor, ValidatorHistory? Validators, IReadOnlyList<KeyValuePair<string, byte[]?>> Writes);
}
