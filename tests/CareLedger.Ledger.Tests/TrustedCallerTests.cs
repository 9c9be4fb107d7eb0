using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests;

/// <summary>A contract that lets "shop" (and only "shop") write its namespace through <see cref="Credit"/>.</summary>
public sealed class BankContract : IContract
{
    public string Name => "bank";
    public IReadOnlyList<ContractAction> Actions { get; } = [];
    public IReadOnlyList<ContractQuery> Queries { get; } = [];
    public IReadOnlyList<string> TrustedCallers { get; } = ["shop"];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
    }

    public static void Credit(ContractState caller, string account, long amount) =>
        caller.Of("bank").Put($"bank/{account}", new CborMap { ["amount"] = amount, ["by"] = caller.Namespace });
}

/// <summary>Calls the bank from its actions and from its block-start step; "rogue" tries the same without being trusted.</summary>
public sealed class CallerContract(string name) : IContract
{
    public string Name => name;
    public IReadOnlyList<ContractQuery> Queries { get; } = [];

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("buy", [new("account", ArgKind.Text)], "anyone", _ => Outcome.Ok, (ctx, args) =>
        {
            ctx.State.Put($"{name}/order", new CborMap { ["account"] = args.GetText("account") });
            BankContract.Credit(ctx.State, args.GetText("account"), 5);
            return Outcome.Ok;
        }),
        new("buy-then-fail", [new("account", ArgKind.Text)], "anyone", _ => Outcome.Ok, (ctx, args) =>
        {
            BankContract.Credit(ctx.State, args.GetText("account"), 5);
            return Outcome.Fail("refused after a delegated write");
        }),
    ];

    public void InitGenesis(ContractState state, CborMap genesis)
    {
    }

    public void OnBlockStart(ContractState state, ulong height, long blockTime)
    {
        if (name == "shop") BankContract.Credit(state, $"block-{height}", blockTime);
    }
}

public sealed class TrustedCallerTests
{
    private readonly ContractRuntime _runtime = new(TestChain.ChainId, [new BankContract(), new CallerContract("shop"), new CallerContract("rogue")]);
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly StateOverlay _state = new(new MemoryState());

    private Transaction Tx(string contract, string action, ulong nonce = 1) =>
        Transaction.Create(_key, TestChain.ChainId, nonce, TestChain.Time + 1000, contract, action, new CborMap { ["account"] = "alice" });

    [Fact]
    public void Apply_TrustedCaller_WritesTheTrustingContractsNamespaceThroughOf()
    {
        var result = _runtime.Apply(_state, 1, TestChain.Time, Tx("shop", "buy"));

        Assert.True(result.Valid, result.Reason);
        Assert.Equal("shop", CborMap.Decode(_state.Get("bank/alice")!).GetText("by"));
        Assert.NotNull(_state.Get("shop/order"));
    }

    [Fact]
    public void Apply_TrustedCallerRefusingAfterADelegatedWrite_LeavesOnlyTheNonce()
    {
        var result = _runtime.Apply(_state, 1, TestChain.Time, Tx("shop", "buy-then-fail"));

        Assert.False(result.Valid);
        Assert.Null(_state.Get("bank/alice"));
        Assert.Equal(1, _state.Count);
    }

    [Fact]
    public void Apply_UntrustedContractUsingOf_IsInvalidAndWritesNothing()
    {
        var result = _runtime.Apply(_state, 1, TestChain.Time, Tx("rogue", "buy"));

        Assert.False(result.Valid);
        Assert.Equal("contract 'rogue' is not trusted to write 'bank'", result.Reason);
        Assert.Null(_state.Get("bank/alice"));
        Assert.Null(_state.Get("rogue/order"));
    }

    [Fact]
    public void BeginBlock_TrustedCaller_MayWriteThroughOfToo()
    {
        _runtime.BeginBlock(_state, 7, TestChain.Time);

        Assert.Equal(TestChain.Time, CborMap.Decode(_state.Get("bank/block-7")!).GetInt("amount"));
    }

    [Fact]
    public void Of_OwnNamespace_IsTheSameView_AndADelegatedViewCannotReachFurther()
    {
        var shop = new ContractState(_state, _state, "shop", ["bank"]);
        var bank = shop.Of("bank");

        Assert.Same(shop, shop.Of("shop"));
        Assert.Equal("bank", bank.Namespace);
        var error = Assert.Throws<InvalidOperationException>(() => bank.Of("shop"));
        Assert.Equal("contract 'bank' is not trusted to write 'shop'", error.Message);
        Assert.Throws<InvalidOperationException>(() => bank.Put("shop/x", new CborMap()));
    }

    [Fact]
    public void Of_FromAQueryView_StillCannotWrite()
    {
        var query = new ContractState(_state, null, "shop", ["bank"]);

        var error = Assert.Throws<InvalidOperationException>(() => query.Of("bank").Put("bank/x", new CborMap()));

        Assert.Equal("queries cannot write state", error.Message);
    }
}
