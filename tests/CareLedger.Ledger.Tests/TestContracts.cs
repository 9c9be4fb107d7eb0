using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Tests;

/// <summary>A minimal key-value contract for exercising the runtime without the medical contracts.</summary>
public sealed class NotesContract : IContract
{
    public string Name => "notes";

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("put", [new("key", ArgKind.Text), new("value", ArgKind.Integer)], "anyone", _ => Outcome.Ok, (ctx, args) =>
        {
            ctx.State.Put("notes/" + args.GetText("key"), new CborMap { ["v"] = args.GetInt("value"), ["by"] = ctx.Sender.ToString() });
            ctx.Emit("Put", new CborMap { ["key"] = args.GetText("key") });
            return Outcome.Ok;
        }),
        // Writes first, then refuses: the write must not survive.
        new("put-then-fail", [new("key", ArgKind.Text)], "anyone", _ => Outcome.Ok, (ctx, args) =>
        {
            ctx.State.Put("notes/" + args.GetText("key"), new CborMap { ["v"] = 1L });
            return Outcome.Fail("refused after writing");
        }),
        new("write-elsewhere", [], "anyone", _ => Outcome.Ok, (ctx, _) =>
        {
            ctx.State.Put("other/x", new CborMap { ["v"] = 1L });
            return Outcome.Ok;
        }),
    ];

    public IReadOnlyList<ContractQuery> Queries { get; } = [];

    public void InitGenesis(ContractState state, CborMap genesis) => state.Put("notes/genesis", new CborMap { ["v"] = genesis.GetInt("time") });
}

public static class TestChain
{
    public const string ChainId = "test-chain";
    public const long Time = 1_800_000_000_000;

    public static ContractRuntime Runtime() => new(ChainId, [new NotesContract()]);

    /// <summary>A clock stopped at the chain's own time: its transactions expire relative to it, not to today.</summary>
    public static TimeProvider Clock { get; } = new AtChainTime();

    /// <summary>A pool over empty state, at the chain's time, that finds nothing committed.</summary>
    public static TransactionPool Pool(int capacity = 100) =>
        new(Runtime(), new MemoryState(), (_, _) => ValueTask.FromResult<Receipt?>(null), Clock, capacity);

    private sealed class AtChainTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Time);
    }

    /// <summary>Replays test chains: the notes contract, validators fixed at genesis.</summary>
    public static ChainChecker Checker() => new(_ => Runtime(), g => new FixedValidatorSet(g.ValidatorAccounts));

    public static GenesisDocument Genesis(params SigningKey[] validators) => new(new CborMap
    {
        ["chainId"] = ChainId, ["time"] = Time, ["validators"] = validators.Select(v => (object)v.PublicKey).ToList(),
    });

    public static Transaction Put(SigningKey key, ulong nonce, string k, long v, long expiry = Time + 3_600_000, string chain = ChainId) =>
        Transaction.Create(key, chain, nonce, expiry, "notes", "put", new CborMap { ["key"] = k, ["value"] = v });
}
