using CareLedger.Contracts.Tests.Support;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Contracts.Tests.Tokens;

public sealed class TokensContractTests : IDisposable
{
    private readonly TestConsortium _chain = ConsortiumBuilder.Standard().Build();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Mint_ByIssuerOrganisationAdmin_CreditsRecipientAndSupply()
    {
        var patient = _chain.Account("patient-jones");

        var result = _chain.Mint("insurer-admin", patient, 250);

        Verdict.Valid(result);
        var minted = Assert.Single(result.Events);
        Assert.Equal("Minted", minted.Name);
        Assert.Equal(250L, minted.Attributes.GetInt("amount"));
        Assert.Equal(250, _chain.Balance(patient));
        Assert.Equal(250, _chain.Supply());
    }

    [Theory]
    [InlineData("clinic-admin", "only admins of care-insurance may mint CARE")]
    [InlineData("board-admin", "only admins of care-insurance may mint CARE")]
    [InlineData("patient-jones", "only an organisation admin")]
    [InlineData("dr-rivera", "only an organisation admin")]
    public void Mint_BySomeoneOtherThanAnIssuerAdmin_IsRefused(string sender, string reason)
    {
        var result = _chain.Mint(sender, _chain.Account(sender), 100);

        Verdict.Refused(result, reason);
        Assert.Equal(0, _chain.Supply());
        Assert.Equal(0, _chain.Balance(_chain.Account(sender)));
    }

    [Fact]
    public void Mint_UnknownAsset_IsRefused()
    {
        var result = _chain.Mint("insurer-admin", _chain.Account("patient-jones"), 5, asset: "GOLD");

        Verdict.Refused(result, "unknown asset GOLD");
    }

    [Fact]
    public void Mint_ToNonMember_IsRefused()
    {
        var result = _chain.Mint("insurer-admin", _chain.Outsider("stranger"), 5);

        Verdict.Refused(result, "is not a member");
        Assert.Equal(0, _chain.Supply());
    }

    [Fact]
    public void Mint_BeyondInt64Supply_IsRefusedAsOverflowAndChangesNothing()
    {
        Verdict.Valid(_chain.Mint("insurer-admin", _chain.Account("patient-jones"), long.MaxValue));
        var before = _chain.Snapshot("tokens/");

        var result = _chain.Mint("insurer-admin", _chain.Account("dr-rivera"), 1);

        Verdict.Refused(result, "overflow");
        Assert.Equal(before, _chain.Snapshot("tokens/"));
    }

    [Fact]
    public void Transfer_WithinBalance_MovesTheAmountAndKeepsSupply()
    {
        var patient = _chain.Account("patient-jones");
        var doctor = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Mint("insurer-admin", patient, 100));

        var result = _chain.Transfer("patient-jones", doctor, 30);

        Verdict.Valid(result);
        var moved = Assert.Single(result.Events);
        Assert.Equal("Transferred", moved.Name);
        Assert.Equal(patient.ToString(), moved.Attributes.GetText("from"));
        Assert.Equal(70, _chain.Balance(patient));
        Assert.Equal(30, _chain.Balance(doctor));
        Assert.Equal(100, _chain.Supply());
    }

    [Fact]
    public void Transfer_WholeBalance_LeavesZeroBalanceWithNoRecord()
    {
        var patient = _chain.Account("patient-jones");
        Verdict.Valid(_chain.Mint("insurer-admin", patient, 10));

        Verdict.Valid(_chain.Transfer("patient-jones", _chain.Account("dr-rivera"), 10));

        Assert.Equal(0, _chain.Balance(patient));
        Assert.Empty(_chain.Snapshot($"tokens/balance/CARE/{patient}"));
    }

    [Theory]
    [InlineData(101)]
    [InlineData(long.MaxValue)]
    public void Transfer_MoreThanBalance_IsRefusedAndChangesNothing(long amount)
    {
        Verdict.Valid(_chain.Mint("insurer-admin", _chain.Account("patient-jones"), 100));
        var before = _chain.Snapshot("tokens/");

        var result = _chain.Transfer("patient-jones", _chain.Account("dr-rivera"), amount);

        Verdict.Refused(result, "insufficient funds: balance 100 CARE");
        Assert.Equal(before, _chain.Snapshot("tokens/"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void MintAndTransfer_AmountNotPositive_AreRefusedAndChangeNothing(long amount)
    {
        Verdict.Valid(_chain.Mint("insurer-admin", _chain.Account("patient-jones"), 100));
        var before = _chain.Snapshot("tokens/");

        var mint = _chain.Mint("insurer-admin", _chain.Account("dr-rivera"), amount);
        var transfer = _chain.Transfer("patient-jones", _chain.Account("dr-rivera"), amount);

        Verdict.Refused(mint, "amount must be positive");
        Verdict.Refused(transfer, "amount must be positive");
        Assert.Equal(before, _chain.Snapshot("tokens/"));
    }

    [Fact]
    public void Transfer_ToNonMember_IsRefusedAndChangesNothing()
    {
        Verdict.Valid(_chain.Mint("insurer-admin", _chain.Account("patient-jones"), 100));
        var before = _chain.Snapshot("tokens/");

        var result = _chain.Transfer("patient-jones", _chain.Outsider("stranger"), 10);

        Verdict.Refused(result, "is not a member");
        Assert.Equal(before, _chain.Snapshot("tokens/"));
    }

    [Fact]
    public void Transfer_ToMemberWhoWasRemoved_IsRefused()
    {
        Verdict.Valid(_chain.Mint("insurer-admin", _chain.Account("patient-jones"), 100));
        Verdict.Valid(_chain.Remove("clinic-admin", _chain.Account("dr-rivera")));

        var result = _chain.Transfer("patient-jones", _chain.Account("dr-rivera"), 10);

        Verdict.Refused(result, "is not a member");
    }

    [Fact]
    public void Transfer_ToSelf_IsRefused()
    {
        Verdict.Valid(_chain.Mint("insurer-admin", _chain.Account("patient-jones"), 100));

        var result = _chain.Transfer("patient-jones", _chain.Account("patient-jones"), 10);

        Verdict.Refused(result, "yourself");
        Assert.Equal(100, _chain.Balance(_chain.Account("patient-jones")));
    }

    [Fact]
    public void CreateAsset_ByAdmin_BelongsToTheirOrganisationAndOnlyTheyMint()
    {
        Verdict.Valid(_chain.Submit("pharmacy-admin", "tokens", "create-asset", new CborMap { ["asset"] = "RX", ["name"] = "Pharmacy points" }));

        Verdict.Refused(_chain.Mint("insurer-admin", _chain.Account("patient-jones"), 5, asset: "RX"), "only admins of corner-pharmacy");
        Verdict.Valid(_chain.Mint("pharmacy-admin", _chain.Account("patient-jones"), 5, asset: "RX"));
        Assert.Equal(5, _chain.Balance(_chain.Account("patient-jones"), "RX"));
        Assert.Equal(0, _chain.Balance(_chain.Account("patient-jones")));
    }

    [Theory]
    [InlineData("CARE", "already exists")]
    [InlineData("care", "capital letters or digits")]
    [InlineData("TOOLONGSYMBOLNAME", "capital letters or digits")]
    public void CreateAsset_TakenOrBadSymbol_IsRefused(string symbol, string reason)
    {
        var result = _chain.Submit("clinic-admin", "tokens", "create-asset", new CborMap { ["asset"] = symbol, ["name"] = "x" });

        Verdict.Refused(result, reason);
    }

    [Fact]
    public void CreateAsset_ByNonAdmin_IsRefused()
    {
        var result = _chain.Submit("patient-jones", "tokens", "create-asset", new CborMap { ["asset"] = "PJ", ["name"] = "x" });

        Verdict.Refused(result, "only an organisation admin");
    }

    [Fact]
    public void Query_Balance_AnswersTheCommittedBalance()
    {
        var patient = _chain.Account("patient-jones");
        Verdict.Valid(_chain.Mint("insurer-admin", patient, 42));

        var answer = _chain.Query<AccountBalance>("tokens", "balance", new CborMap { ["asset"] = "CARE", ["account"] = patient.ToString() });

        Assert.Equal(new AccountBalance("CARE", patient, 42), answer);
    }
}
