using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>The escrow operations on their own, over a state holding 100 CARE for one account, as the services contract sees it.</summary>
public sealed class TokenEscrowTests
{
    private readonly StateOverlay _state = new(new MemoryState());
    private readonly AccountId _alice = AccountId.FromPublicKey([1]);
    private readonly AccountId _bob = AccountId.FromPublicKey([2]);
    private readonly ContractState _services;

    public TokenEscrowTests()
    {
        _services = new ContractState(_state, _state, "services", ["tokens"]);
        var tokens = _services.Of("tokens");
        tokens.Put(Asset.Key("CARE"), new Asset("CARE", "CARE credit", "care-insurance", 100));
        tokens.Put(Asset.Key("RX"), new Asset("RX", "RX credit", "care-insurance", 0));
        tokens.Put(Balance.Key("CARE", _alice), new Balance(100));
    }

    private long Total() =>
        TokensContract.Balance(_services, "CARE", _alice) + TokensContract.Balance(_services, "CARE", _bob) + TokenEscrow.Held(_services, "a") + TokenEscrow.Held(_services, "b");

    [Fact]
    public void LockPayMove_MoveAmountsWithoutChangingTheTotal()
    {
        Assert.True(TokenEscrow.Lock(_services, "a", "CARE", _alice, 60).IsOk);
        Assert.True(TokenEscrow.Move(_services, "a", "b", 25).IsOk);
        Assert.True(TokenEscrow.Pay(_services, "b", _bob, 25).IsOk);

        Assert.Equal((40L, 25L, 35L, 0L), (TokensContract.Balance(_services, "CARE", _alice), TokensContract.Balance(_services, "CARE", _bob),
            TokenEscrow.Held(_services, "a"), TokenEscrow.Held(_services, "b")));
        Assert.Equal(100, Total());
        Assert.False(_services.Contains(Escrow.Key("services", "b")));
        Assert.True(_services.Contains(Escrow.Key("services", "a")));
    }

    [Fact]
    public void Lock_ToppingUp_AddsToTheSameEscrow()
    {
        Assert.True(TokenEscrow.Lock(_services, "a", "CARE", _alice, 10).IsOk);
        Assert.True(TokenEscrow.Lock(_services, "a", "CARE", _alice, 15).IsOk);

        Assert.Equal(25, TokenEscrow.Held(_services, "a"));
    }

    [Theory]
    [InlineData(101, "insufficient funds: balance 100 CARE, needs 101")]
    [InlineData(0, "amount must be positive")]
    [InlineData(-5, "amount must be positive")]
    public void Lock_Refusals_ChangeNothing(long amount, string reason)
    {
        var before = _state.SortedWrites().Count;

        var outcome = TokenEscrow.Lock(_services, "a", "CARE", _alice, amount);

        Assert.Equal(reason, outcome.Error);
        Assert.Equal(before, _state.SortedWrites().Count);
        Assert.Equal(100, Total());
    }

    [Fact]
    public void Refusals_UnknownAssetOverdrawnEscrowOrMixedAssets()
    {
        Assert.True(TokenEscrow.Lock(_services, "a", "CARE", _alice, 50).IsOk);

        Assert.Equal("unknown asset GOLD", TokenEscrow.Lock(_services, "b", "GOLD", _alice, 1).Error);
        Assert.Equal("escrow a holds 50, cannot pay out 51", TokenEscrow.Pay(_services, "a", _bob, 51).Error);
        Assert.Equal("escrow b holds 0, cannot pay out 1", TokenEscrow.Move(_services, "b", "a", 1).Error);
        Assert.Equal("escrow a holds CARE, not RX", TokenEscrow.Lock(_services, "a", "RX", _alice, 1).Error);
        Assert.Equal("cannot move an escrow into itself", TokenEscrow.Move(_services, "a", "a", 1).Error);
        Assert.Equal(100, Total());
    }

    [Fact]
    public void Escrows_AreKeptApartByHolder()
    {
        Assert.True(TokenEscrow.Lock(_services, "a", "CARE", _alice, 50).IsOk);
        var other = new ContractState(_state, _state, "records", ["tokens"]);

        Assert.Equal(0, TokenEscrow.Held(other, "a"));
        Assert.Equal("escrow a holds 0, cannot pay out 50", TokenEscrow.Pay(other, "a", _bob, 50).Error);
    }

    [Fact]
    public void ContractsTheTokensContractDoesNotTrust_CannotReachTheTokensNamespace()
    {
        var runtime = ConsortiumContracts.CreateRuntime("any");
        var records = new ContractState(_state, _state, "records");

        var error = Assert.Throws<InvalidOperationException>(() => TokenEscrow.Lock(records, "a", "CARE", _alice, 1));

        Assert.Equal("contract 'records' is not trusted to write 'tokens'", error.Message);
        Assert.Equal(["services", "prescriptions"], runtime.Contracts.Single(c => c.Name == "tokens").TrustedCallers);
    }
}
