using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Tests;

/// <summary>A stand-in for the membership contract's validator set, without the vote: any sender may add or remove a validator.</summary>
public sealed class SignersContract : IContract
{
    public const string Prefix = "signers/";
    public string Name => "signers";

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("join", [new("key", ArgKind.Bytes)], "anyone", _ => Outcome.Ok, (ctx, args) =>
        {
            var key = args.GetBytes("key");
            ctx.State.Put(Prefix + AccountId.FromPublicKey(key), new CborMap { ["key"] = key });
            return Outcome.Ok;
        }),
        new("leave", [new("account", ArgKind.Text)], "anyone", _ => Outcome.Ok, (ctx, args) =>
        {
            ctx.State.Delete(Prefix + args.GetText("account"));
            return Outcome.Ok;
        }),
    ];

    public IReadOnlyList<ContractQuery> Queries { get; } = [];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
        foreach (var key in genesis.GetList("validators").Cast<byte[]>())
            state.Put(Prefix + AccountId.FromPublicKey(key), new CborMap { ["key"] = key });
    }
}

/// <summary>Reads the set <see cref="SignersContract"/> keeps, as <c>LedgerValidatorSet</c> reads the membership contract's.</summary>
public sealed class SignerSet : IValidatorSet
{
    public IReadOnlySet<AccountId> Read(IStateReader state) =>
        state.Scan(SignersContract.Prefix).Select(kv => AccountId.FromPublicKey(CborMap.Decode(kv.Value).GetBytes("key"))).ToHashSet();

    public bool Covers(string key) => key.StartsWith(SignersContract.Prefix, StringComparison.Ordinal);
}

/// <summary>Test chains whose validator set changes by transaction: the notes contract plus <see cref="SignersContract"/>.</summary>
public static class VotingChain
{
    public static ContractRuntime Runtime() => new(TestChain.ChainId, [new NotesContract(), new SignersContract()]);

    public static ChainChecker Checker() => new(_ => Runtime(), _ => new SignerSet());

    public static Transaction Join(SigningKey sender, ulong nonce, SigningKey validator) =>
        Transaction.Create(sender, TestChain.ChainId, nonce, TestChain.Time + 3_600_000, "signers", "join", new CborMap { ["key"] = validator.PublicKey });

    public static Transaction Leave(SigningKey sender, ulong nonce, SigningKey validator) =>
        Transaction.Create(sender, TestChain.ChainId, nonce, TestChain.Time + 3_600_000, "signers", "leave", new CborMap { ["account"] = validator.Account.ToString() });
}
