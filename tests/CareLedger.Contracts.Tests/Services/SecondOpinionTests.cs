using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>patient-jones puts two of their records before dr-okafor and dr-sato, 50 CARE per opinion.</summary>
public sealed class SecondOpinionTests : IDisposable
{
    private const long Fee = 50;
    private const string Opinion = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private readonly TestConsortium _chain = new ServicesWorld().Open();
    private readonly string[] _records;

    public SecondOpinionTests()
    {
        _records = [_chain.AddRecord("patient-jones", "patient-jones", "Observation"), _chain.AddRecord("patient-jones", "patient-jones", "DiagnosticReport")];
        ServicesWorld.AssertAllValid(_chain.Commit(
            _chain.GrantSign("patient-jones", "dr-okafor", "second-opinion", records: _records),
            _chain.GrantSign("patient-jones", "dr-sato", "second-opinion", records: _records)));
    }

    public void Dispose() => _chain.Dispose();

    private TxResult Request(string[] practitioners, long fee = Fee, string id = "c1", string[]? records = null) =>
        _chain.Submit("patient-jones", "services", "request-opinions", new CborMap
        {
            ["case"] = id, ["records"] = (records ?? _records).Cast<object>().ToList(),
            ["practitioners"] = practitioners.Select(p => (object)_chain.Account(p).ToString()).ToList(),
            ["fee"] = fee, ["asset"] = Asset, ["deadline"] = _chain.Time + 7 * Day,
        });

    private TxResult Submit(string practitioner, string id = "c1") =>
        _chain.Submit(practitioner, "services", "submit-opinion", new CborMap { ["case"] = id, ["contentHash"] = Opinion });

    private OpinionCase Case() => _chain.Query<Found<OpinionCase>>("services", "case", new CborMap { ["case"] = "c1" }).Value!;

    [Fact]
    public void Request_LocksOneFeePerPractitioner()
    {
        Verdict.Valid(Request(["dr-okafor", "dr-sato"]));

        Assert.Equal(900, _chain.BalanceOf("patient-jones"));
        Assert.Equal(2 * Fee, _chain.Escrow("case/c1"));
    }

    [Fact]
    public void Submit_EachOpinion_IsPaidFromTheEscrowAsItArrives()
    {
        Verdict.Valid(Request(["dr-okafor", "dr-sato"]));

        Verdict.Valid(Submit("dr-okafor"));
        Assert.Equal(45, _chain.BalanceOf("dr-okafor"));
        Assert.Equal(5, _chain.Treasury("platform"));
        Assert.Equal(Fee, _chain.Escrow("case/c1"));
        Verdict.Valid(Submit("dr-sato"));

        Assert.Equal(45, _chain.BalanceOf("dr-sato"));
        Assert.Equal(0, _chain.Escrow("case/c1"));
        Assert.Equal(CaseStatus.Closed, Case().Status);
        Assert.Equal(Opinion, Case().Opinions[_chain.Account("dr-sato").ToString()].ContentHash);
    }

    [Fact]
    public void Deadline_RefundsTheOpinionsNotGiven()
    {
        Verdict.Valid(Request(["dr-okafor", "dr-sato"]));
        Verdict.Valid(Submit("dr-okafor"));

        _chain.Advance(7 * Day - 1);
        _chain.Tick();
        Assert.Equal(CaseStatus.Open, Case().Status);
        _chain.Advance(1);
        var late = Submit("dr-sato");

        Verdict.Refused(late, "case c1 is closed");
        Assert.Equal(950, _chain.BalanceOf("patient-jones"));
        Assert.Equal(0, _chain.Escrow("case/c1"));
        Assert.Equal(Fee, Case().Refunded);
    }

    [Fact]
    public void Submit_TwiceOrUnasked_IsRefused()
    {
        Verdict.Valid(Request(["dr-okafor", "dr-sato"]));
        Verdict.Valid(Submit("dr-okafor"));

        _chain.AssertRefusedUnchanged(() => Submit("dr-okafor"), "you already gave your opinion on case c1");
        _chain.AssertRefusedUnchanged(() => Submit("dr-rivera"), "you were not asked for an opinion on case c1");
        _chain.AssertRefusedUnchanged(() => Submit("dr-rivera", "c9"), "no case c9");
    }

    [Fact]
    public void Submit_AfterTheLicenceWasRevoked_IsRefused()
    {
        Verdict.Valid(Request(["dr-okafor"]));
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-okafor")));

        _chain.AssertRefusedUnchanged(() => Submit("dr-okafor"), "unlicensed: licence was revoked");
    }

    [Fact]
    public void Request_PractitionerWithoutAGrant_IsRefusedAndChangesNothing() =>
        _chain.AssertRefusedUnchanged(() => Request(["dr-okafor", "dr-rivera"]), "cannot read record");

    [Fact]
    public void Request_UnlicensedPractitioner_IsRefused()
    {
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-sato")));

        _chain.AssertRefusedUnchanged(() => Request(["dr-okafor", "dr-sato"]), "unlicensed practitioner");
    }

    [Fact]
    public void Request_FeesAboveTheBalance_IsRefusedAsInsufficientFunds() =>
        _chain.AssertRefusedUnchanged(() => Request(["dr-okafor", "dr-sato"], fee: 501), "insufficient funds: balance 1000 CARE, needs 1002");

    [Fact]
    public void Request_SomeoneElsesRecord_IsRefused()
    {
        var lees = _chain.AddRecord("patient-lee", "patient-lee", "Observation");

        _chain.AssertRefusedUnchanged(() => Request(["dr-okafor"], records: [lees]), "is not yours");
    }

    [Fact]
    public void Request_NonPractitionerOrDuplicate_IsRefused()
    {
        _chain.AssertRefusedUnchanged(() => Request(["patient-lee"]), "is not a practitioner");
        _chain.AssertRefusedUnchanged(() => Request(["dr-okafor", "dr-okafor"]), "distinct practitioners");
    }

    [Fact]
    public void Cases_ListTheAccountsOwn_ToThatAccountOnly()
    {
        Verdict.Valid(Request(["dr-okafor"]));

        var args = new CborMap { ["account"] = _chain.Account("dr-okafor").ToString() };
        Assert.Equal(["c1"], _chain.Query<CaseList>("services", "cases", args).Cases.Select(c => c.Id));
        Assert.Equal(["c1"], _chain.Query<CaseList>("services", "cases", new CborMap { ["account"] = _chain.Account("patient-jones").ToString() }).Cases.Select(c => c.Id));
        Assert.Empty(_chain.Query<CaseList>("services", "cases", new CborMap { ["account"] = _chain.Account("dr-sato").ToString() }).Cases);
        var audience = new ServicesContract().Queries.Single(q => q.Name == "cases").Audience;
        var state = new QueryContext(_chain.View, _chain.Time);
        Assert.True(audience(state, args, new Asker(_chain.Account("dr-okafor"), "practitioner", "city-clinic", false)));
        Assert.False(audience(state, args, new Asker(_chain.Account("dr-sato"), "practitioner", "city-clinic", false)));
        Assert.False(audience(state, args, Asker.Anonymous));
    }
}
