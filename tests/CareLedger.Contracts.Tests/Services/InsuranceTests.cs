using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>The insurer funds its treasury and covers a patient up to a total; covered bookings are paid from the treasury directly.</summary>
public sealed class InsuranceTests : IDisposable
{
    private const string Insurer = "care-insurance";
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public InsuranceTests()
    {
        Verdict.Valid(Deposit("insurer-admin", 500));
        Verdict.Valid(SetCoverage("patient-jones", 250));
    }

    public void Dispose() => _chain.Dispose();

    private TxResult Deposit(string admin, long amount) =>
        _chain.Submit(admin, "services", "deposit", new CborMap { ["asset"] = Asset, ["amount"] = amount });

    private TxResult Withdraw(string admin, long amount) =>
        _chain.Submit(admin, "services", "withdraw", new CborMap { ["asset"] = Asset, ["amount"] = amount });

    private TxResult SetCoverage(string patient, long limit, string admin = "insurer-admin") =>
        _chain.Submit(admin, "services", "set-coverage", new CborMap { ["patient"] = _chain.Account(patient).ToString(), ["asset"] = Asset, ["limit"] = limit });

    private long Used(string patient = "patient-jones") =>
        _chain.Get(Coverage.Key(_chain.Account(patient), Insurer))!.Used;

    [Fact]
    public void Deposit_MovesTheAdminsBalanceIntoTheTreasury()
    {
        Assert.Equal(9_500, _chain.BalanceOf("insurer-admin"));
        Assert.Equal(500, _chain.Treasury(Insurer));
    }

    [Fact]
    public void Book_Covered_IsPaidFromTheTreasuryAndCountsAgainstTheLimit()
    {
        var result = _chain.Book("patient-jones", "b1", Slot(0), insurer: Insurer);

        Verdict.Valid(result);
        Assert.Equal(Insurer, result.Events[0].Attributes.GetText("insurer"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
        Assert.Equal(400, _chain.Treasury(Insurer));
        Assert.Equal(Price, _chain.Escrow("booking/b1"));
        Assert.Equal(100, Used());
    }

    [Fact]
    public void Book_BeyondTheLimit_IsRefusedAndChangesNothing()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0), insurer: Insurer));
        Verdict.Valid(_chain.Book("patient-jones", "b2", Slot(1), insurer: Insurer));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b3", Slot(2), insurer: Insurer),
            "coverage limit reached: 200 of 250 CARE used, the consultation costs 100");
        Verdict.Valid(_chain.Book("patient-jones", "b3", Slot(2)));
        Assert.Equal(900, _chain.BalanceOf("patient-jones"));
    }

    [Fact]
    public void Book_LimitExactlyReached_IsCovered()
    {
        Verdict.Valid(SetCoverage("patient-jones", 200));
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0), insurer: Insurer));

        Verdict.Valid(_chain.Book("patient-jones", "b2", Slot(1), insurer: Insurer));

        Assert.Equal(200, Used());
    }

    [Fact]
    public void Book_InsurerWithoutCoverageForThePatient_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-lee", "b1", Slot(0), insurer: Insurer), "care-insurance does not cover you");

    [Fact]
    public void Book_TreasuryShort_IsRefusedAsInsufficientFunds()
    {
        Verdict.Valid(Withdraw("insurer-admin", 450));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b1", Slot(0), insurer: Insurer),
            "insufficient funds: the treasury of care-insurance holds 50 CARE, needs 100");
    }

    [Fact]
    public void Refunds_GoBackToTheTreasuryAndGiveTheCoverageBack()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0), insurer: Insurer));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
        Verdict.Valid(_chain.Book("patient-jones", "b2", Slot(1), insurer: Insurer));

        Verdict.Valid(_chain.OnBooking("dr-rivera", "decline", "b2"));
        _chain.AdvanceTo(Slot(0) - 1);
        Verdict.Valid(_chain.OnBooking("patient-jones", "cancel", "b1"));

        Assert.Equal(450, _chain.Treasury(Insurer));
        Assert.Equal(50, Used());
        Assert.Equal(45, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(5, _chain.Treasury("platform"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
    }

    [Fact]
    public void Release_OfACoveredConsultation_PaysThePractitionerAndKeepsTheCoverageUsed()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0), insurer: Insurer));
        _chain.RunToCompletion("b1");

        Verdict.Valid(_chain.OnBooking("patient-jones", "acknowledge", "b1"));

        Assert.Equal(90, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(400, _chain.Treasury(Insurer));
        Assert.Equal(100, Used());
    }

    [Fact]
    public void SetCoverage_ByAnAdminOfAnotherKindOfOrganisation_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => SetCoverage("patient-lee", 100, admin: "clinic-admin"), "only an admin of a insurer organisation");

    [Fact]
    public void SetCoverage_ForSomeoneNotAPatientOrNegative_IsRefused()
    {
        _chain.AssertRefusedUnchanged(() => SetCoverage("dr-okafor", 100), "is not a registered patient");
        _chain.AssertRefusedUnchanged(() => SetCoverage("patient-lee", -1), "limit must not be negative");
    }

    [Fact]
    public void SetCoverage_LoweredBelowUse_StopsNewCoverButKeepsTheUse()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0), insurer: Insurer));

        Verdict.Valid(SetCoverage("patient-jones", 50));

        Assert.Equal(100, Used());
        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b2", Slot(1), insurer: Insurer), "coverage limit reached");
    }

    [Fact]
    public void Withdraw_MoreThanTheTreasuryHolds_IsRefused_AndNonAdminsCannotTouchIt()
    {
        _chain.AssertRefusedUnchanged(() => Withdraw("insurer-admin", 501), "insufficient funds: the treasury of care-insurance holds 500 CARE");
        _chain.AssertRefusedUnchanged(() => Withdraw("patient-jones", 1), "only an organisation admin");
        _chain.AssertRefusedUnchanged(() => Deposit("insurer-admin", 0), "amount must be positive");
        _chain.AssertRefusedUnchanged(() => Deposit("lab-admin", 1), "insufficient funds: balance 0 CARE, needs 1");
    }

    [Fact]
    public void Withdraw_ByAnotherOrganisationsAdmin_TakesFromTheirOwnTreasuryOnly()
    {
        _chain.AssertRefusedUnchanged(() => Withdraw("clinic-admin", 100), "the treasury of city-clinic holds 0 CARE");

        Verdict.Valid(Withdraw("insurer-admin", 500));

        Assert.Equal(10_000, _chain.BalanceOf("insurer-admin"));
        Assert.Equal(0, _chain.Treasury(Insurer));
    }
}
