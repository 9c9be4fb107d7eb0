using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsActions;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;

namespace CareLedger.Contracts.Tests.Prescriptions;

public sealed class CoverageTests : IDisposable
{
    private const string Insurer = "care-insurance";
    private readonly TestConsortium _chain = Open();

    public void Dispose() => _chain.Dispose();

    private long Jones => _chain.Balance(_chain.Account("patient-jones"));
    private long Fund => _chain.Escrow(PrescriptionsContract.FundOf(Insurer, Asset));

    private void Cover(long fund, long limit)
    {
        Verdict.Valid(_chain.Submit("insurer-admin", "prescriptions", "fund-coverage", new CborMap { ["asset"] = Asset, ["amount"] = fund }));
        Verdict.Valid(_chain.Submit("insurer-admin", "prescriptions", "set-coverage",
            new CborMap { ["patient"] = _chain.Account("patient-jones").ToString(), ["asset"] = Asset, ["limit"] = limit }));
    }

    private TxResult PresentCovered(string rx, long price, string code = "code-1") => _chain.Submit("patient-jones", "prescriptions", "present", new CborMap
    {
        ["prescription"] = rx, ["pharmacy"] = Corner, ["codeHash"] = PrescriptionsContract.CodeHash(rx, code).ToString(), ["price"] = price,
        ["asset"] = Asset, ["insurer"] = Insurer,
    });

    [Fact]
    public void Dispense_OfACoveredPresentation_IsPaidByTheInsurerAndTheRestGoesBackToItsFund()
    {
        Cover(fund: 100, limit: 60);
        var rx = _chain.Prescribe();
        var patientBefore = Jones;

        Verdict.Valid(PresentCovered(rx, price: 25));
        Assert.Equal(75, Fund);
        Verdict.Valid(_chain.Dispense(rx, charge: 20));

        Assert.Equal(patientBefore, Jones);
        Assert.Equal(20, _chain.Till());
        Assert.Equal(80, Fund);
        Assert.Equal(20, _chain.Get(PrescriptionCoverage.Key(_chain.Account("patient-jones"), Insurer))!.Used);
    }

    [Fact]
    public void Present_BeyondTheCoverageLimit_IsRefusedAndChangesNothing()
    {
        Cover(fund: 100, limit: 30);
        var rx = _chain.Prescribe();
        _chain.AssertRefusedUnchanged(() => PresentCovered(rx, price: 31), "coverage exceeded");
    }

    [Fact]
    public void Present_NamingAnInsurerWithoutCoverage_IsRefused()
    {
        var rx = _chain.Prescribe();
        _chain.AssertRefusedUnchanged(() => PresentCovered(rx, price: 10), "does not cover");
    }

    [Fact]
    public void Withdraw_OfACoveredPresentation_RefundsTheFundAndTheLimit()
    {
        Cover(fund: 100, limit: 50);
        var rx = _chain.Prescribe();
        Verdict.Valid(PresentCovered(rx, price: 50));
        Verdict.Valid(_chain.OnRx("patient-jones", "withdraw", rx));

        Assert.Equal(100, Fund);
        Verdict.Valid(PresentCovered(rx, price: 50, code: "again"));
    }

    [Fact]
    public void SetCoverage_ByANonInsurer_IsRefused()
    {
        _chain.AssertRefusedUnchanged(() => _chain.Submit("pharmacy-admin", "prescriptions", "set-coverage",
            new CborMap { ["patient"] = _chain.Account("patient-jones").ToString(), ["asset"] = Asset, ["limit"] = 10L }), "insurer");
    }
}
