using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Prescriptions;

public sealed class AdherenceTests : IDisposable
{
    private readonly TestConsortium _chain = Open();

    public AdherenceTests()
    {
        // Start at the beginning of a UTC day, so a day's check-ins fall in one day.
        _chain.Advance(Day - _chain.Time % Day + Hour);
    }

    public void Dispose() => _chain.Dispose();

    private TxResult CheckIn(string rx, string patient = "patient-jones") => _chain.OnRx(patient, "check-in", rx);

    private AdherenceReport Adherence() => _chain.Query<AdherenceReport>("prescriptions", "adherence", new CborMap { ["patient"] = _chain.Account("patient-jones").ToString() });

    private string DispensedTwiceDaily()
    {
        var rx = _chain.Prescribe(shape: i => i with { DosesPerDay = 2, Quantity = 6, Fills = 1 });
        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Dispense(rx, quantity: 6));
        return rx;
    }

    [Fact]
    public void CheckIn_EveryScheduledDoseOfADay_EarnsTheDayRewardFromThePool()
    {
        Verdict.Valid(_chain.FundProgramme("heart-health", 100, perDay: 5, perDispense: 10));
        var rx = _chain.Prescribe(shape: i => i with { DosesPerDay = 2, Quantity = 6, Fills = 1 });
        Verdict.Valid(_chain.OnRx("patient-jones", "join", rx, new CborMap { ["programme"] = "heart-health" }));
        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Dispense(rx, quantity: 6));
        Assert.Equal(1_000 - PrescriptionsActions.Price + 10, _chain.Balance(_chain.Account("patient-jones")));

        Verdict.Valid(CheckIn(rx));
        Assert.Equal(0L, _chain.Rx(rx).AdherentDays);
        Verdict.Valid(CheckIn(rx));

        Assert.Equal(1_000 - PrescriptionsActions.Price + 15, _chain.Balance(_chain.Account("patient-jones")));
        Assert.Equal((1L, 15L), (_chain.Rx(rx).AdherentDays, _chain.Rx(rx).Rewards));
        Assert.Equal(85L, _chain.Query<Found<ProgrammeDetail>>("prescriptions", "programme", new CborMap { ["programme"] = "heart-health" }).Value?.Pool);
    }

    [Fact]
    public void Adherence_Query_GivesDosesTakenOverScheduledAsAWholePercent()
    {
        var rx = DispensedTwiceDaily();
        Verdict.Valid(CheckIn(rx));
        Verdict.Valid(CheckIn(rx));
        _chain.Advance(Day);
        Verdict.Valid(CheckIn(rx));
        _chain.Advance(Day);

        var adherence = Adherence();

        Assert.Equal((3L, 6L, 50L), (adherence.Taken, adherence.Scheduled, adherence.Percent));
        var item = Assert.Single(adherence.Prescriptions);
        Assert.Equal((rx, 50L, 1L), (item.Prescription, item.Percent, item.AdherentDays));
    }

    [Fact]
    public void Adherence_ScheduleIsCappedByTheDosesDispensed()
    {
        var rx = DispensedTwiceDaily();
        _chain.Advance(10 * Day);

        Assert.Equal((0L, 6L, 0L), (Adherence().Taken, Adherence().Scheduled, Adherence().Percent));
        Assert.Equal(6L, _chain.Query<Found<PrescriptionDetail>>("prescriptions", "prescription", new CborMap { ["prescription"] = rx }).Value?.Scheduled);
    }

    [Fact]
    public void CheckIn_MoreThanTheDaysScheduledDoses_IsRefused()
    {
        var rx = DispensedTwiceDaily();
        Verdict.Valid(CheckIn(rx));
        Verdict.Valid(CheckIn(rx));

        _chain.AssertRefusedUnchanged(() => CheckIn(rx), "all 2 doses scheduled today are already checked in");
        _chain.Advance(Day);
        Verdict.Valid(CheckIn(rx));
    }

    [Fact]
    public void CheckIn_Refusals_ChangeNothing()
    {
        var rx = _chain.Prescribe();
        _chain.AssertRefusedUnchanged(() => CheckIn(rx), "nothing of prescription");
        _chain.AssertRefusedUnchanged(() => CheckIn(rx, "patient-lee"), "is not yours");
        Verdict.Valid(_chain.OnRx("dr-rivera", "cancel", rx));
        _chain.AssertRefusedUnchanged(() => CheckIn(rx), "was cancelled");
    }

    [Fact]
    public void CheckIn_AllDispensedDosesTaken_IsRefused()
    {
        var rx = _chain.Prescribe(shape: i => i with { DosesPerDay = 3, Quantity = 2, Fills = 1 });
        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Dispense(rx, quantity: 2));
        Verdict.Valid(CheckIn(rx));
        Verdict.Valid(CheckIn(rx));

        _chain.AssertRefusedUnchanged(() => CheckIn(rx), "no doses left to take");
    }

    [Fact]
    public void Reward_WhenThePoolRunsDry_TheDayStillCountsButPaysNothing()
    {
        Verdict.Valid(_chain.FundProgramme("small", 12, perDay: 5, perDispense: 10));
        var rx = _chain.Prescribe(shape: i => i with { DosesPerDay = 1, Quantity = 6, Fills = 1 });
        Verdict.Valid(_chain.OnRx("patient-jones", "join", rx, new CborMap { ["programme"] = "small" }));
        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Dispense(rx, quantity: 6));

        Verdict.Valid(CheckIn(rx));

        Assert.Equal((1L, 10L), (_chain.Rx(rx).AdherentDays, _chain.Rx(rx).Rewards));
        Assert.Equal(2, _chain.Escrow(CareLedger.Contracts.Prescriptions.PrescriptionsContract.ProgrammeEscrow("small")));
    }

    [Fact]
    public void Programme_Refusals_ChangeNothing()
    {
        Verdict.Valid(_chain.FundProgramme("heart-health", 100));
        var rx = _chain.Prescribe();

        _chain.AssertRefusedUnchanged(() => _chain.FundProgramme("pharmacy-run", 100, admin: "pharmacy-admin"), "only an insurer or a clinic");
        _chain.AssertRefusedUnchanged(() => _chain.FundProgramme("heart-health", 100, admin: "clinic-admin"), "belongs to care-insurance");
        _chain.AssertRefusedUnchanged(() => _chain.FundProgramme("heart-health", 100_000), "insufficient funds");
        _chain.AssertRefusedUnchanged(() => _chain.OnRx("patient-jones", "join", rx, new CborMap { ["programme"] = "none" }), "no programme none");
        Verdict.Valid(_chain.OnRx("patient-jones", "join", rx, new CborMap { ["programme"] = "heart-health" }));
        _chain.AssertRefusedUnchanged(() => _chain.OnRx("patient-jones", "join", rx, new CborMap { ["programme"] = "heart-health" }), "already in programme");
    }
}
