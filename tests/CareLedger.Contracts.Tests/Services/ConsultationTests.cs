using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

public sealed class ConsultationTests : IDisposable
{
    private const long Minute = 60_000;
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public ConsultationTests()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
    }

    public void Dispose() => _chain.Dispose();

    private static CborMap Summary(string record) => new() { ["summary"] = record };

    [Fact]
    public void FullConsultation_Acknowledged_ReleasesPriceLessFeeToThePractitioner()
    {
        _chain.RunAcceptedToCompletion("b1");
        Assert.Equal(BookingStatus.Completed, _chain.Status("b1"));
        Assert.Equal(Price, _chain.Escrow("booking/b1"));

        var result = _chain.OnBooking("patient-jones", "acknowledge", "b1");

        Verdict.Valid(result);
        Assert.Equal("PaymentReleased", Assert.Single(result.Events).Name);
        Assert.Equal(BookingStatus.Released, _chain.Status("b1"));
        Assert.Equal(90, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(10, _chain.Treasury("platform"));
        Assert.Equal(900, _chain.BalanceOf("patient-jones"));
        Assert.Equal(0, _chain.Escrow("booking/b1"));
        Assert.Empty(_chain.Snapshot(Deadline.KeyPrefix));
    }

    [Fact]
    public void StartAndEnd_AreLedgerEventsWithTheirTimes()
    {
        _chain.AdvanceTo(Slot(0));
        var started = _chain.OnBooking("dr-rivera", "start-consultation", "b1");
        _chain.Advance(25 * Minute);
        var ended = _chain.OnBooking("dr-rivera", "end-consultation", "b1");

        Assert.Equal("ConsultationStarted", Assert.Single(started.Events).Name);
        Assert.Equal("ConsultationEnded", Assert.Single(ended.Events).Name);
        Assert.Equal(Slot(0), _chain.Booking("b1").Started);
        Assert.Equal(Slot(0) + 25 * Minute, _chain.Booking("b1").Ended);
    }

    [Fact]
    public void Start_MoreThanFifteenMinutesEarly_IsRefused_AtFifteenItStarts()
    {
        _chain.AdvanceTo(Slot(0) - 15 * Minute - 1);
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "start-consultation", "b1"), "too early");

        _chain.Advance(1);

        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b1"));
    }

    [Fact]
    public void NoShow_JustBeforeTheGraceEnds_TheConsultationCanStillStart()
    {
        _chain.AdvanceTo(Slot(0) + 15 * Minute - 1);
        _chain.Tick();
        Assert.Equal(BookingStatus.Accepted, _chain.Status("b1"));

        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b1"));
    }

    [Fact]
    public void NoShow_WhenTheGraceEnds_RefundsThePatientAndLaterStartsAreRefused()
    {
        _chain.AdvanceTo(Slot(0) + 15 * Minute);

        var late = _chain.OnBooking("dr-rivera", "start-consultation", "b1");

        Verdict.Refused(late, "booking b1 is no-show");
        Assert.Equal(BookingStatus.NoShow, _chain.Status("b1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
        Assert.Equal(0, _chain.Escrow("booking/b1"));
    }

    [Fact]
    public void Acknowledgement_TimesOutAtExactlyTheConfiguredPeriod()
    {
        _chain.RunAcceptedToCompletion("b1");
        var due = _chain.Booking("b1").Completed + 48 * Hour;

        _chain.AdvanceTo(due - 1);
        _chain.Tick();
        Assert.Equal(BookingStatus.Completed, _chain.Status("b1"));
        _chain.AdvanceTo(due);
        _chain.Tick();

        Assert.Equal(BookingStatus.Released, _chain.Status("b1"));
        Assert.Equal(90, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(10, _chain.Treasury("platform"));
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("patient-jones", "acknowledge", "b1"), "booking b1 is released");
    }

    [Fact]
    public void Acknowledge_ByThePractitionerOrAnotherPatient_IsRefused()
    {
        _chain.RunAcceptedToCompletion("b1");

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "acknowledge", "b1"), "only a patient may do this");
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("patient-lee", "acknowledge", "b1"), "booking b1 is not yours");
    }

    [Fact]
    public void Acknowledge_BeforeCompletion_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("patient-jones", "acknowledge", "b1"), "booking b1 is accepted; only a booking that is completed");

    [Fact]
    public void EndOrComplete_OutOfOrder_AreRefused()
    {
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "end-consultation", "b1"), "only a booking that is in-progress can be ended");
        _chain.AdvanceTo(Slot(0));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b1"));
        var record = _chain.AddEncounter("dr-rivera", "patient-jones");

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "complete", "b1", Summary(record)), "only a booking that is ended can be completed");
    }

    [Fact]
    public void Complete_WithUnsuitableSummaries_IsRefusedForEach()
    {
        var early = _chain.AddEncounter("dr-rivera", "patient-jones");
        _chain.AdvanceTo(Slot(0));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b1"));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "end-consultation", "b1"));
        var otherPatients = _chain.AddEncounter("dr-rivera", "patient-lee");
        var patientsOwn = _chain.AddEncounter("patient-jones", "patient-jones");
        var otherDoctors = _chain.AddEncounter("dr-okafor", "patient-jones");

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "complete", "b1", Summary("00000000000000000000000000000000")), "no record");
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "complete", "b1", Summary(early)), "predates the consultation");
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "complete", "b1", Summary(otherPatients)), "is not this patient's");
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "complete", "b1", Summary(patientsOwn)), "was not added by you");
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "complete", "b1", Summary(otherDoctors)), "was not added by you");
    }

    [Fact]
    public void Complete_WithASummaryAlreadyUsed_IsRefused()
    {
        _chain.RunAcceptedToCompletion("b1");
        var used = _chain.Booking("b1").Summary;
        Verdict.Valid(_chain.Book("patient-jones", "b2", Slot(1)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b2"));
        _chain.AdvanceTo(Slot(1));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b2"));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "end-consultation", "b2"));

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "complete", "b2", Summary(used)), "already completes booking b1");
    }

    [Fact]
    public void Start_InTheBlockThatRevokesTheLicence_IsRefusedAsUnlicensed()
    {
        _chain.AdvanceTo(Slot(0));
        var revoke = _chain.Sign("board-admin", "licensing", "revoke", new CborMap { ["practitioner"] = _chain.Account("dr-rivera").ToString(), ["reason"] = "struck off" });
        var start = _chain.Sign("dr-rivera", "services", "start-consultation", new CborMap { ["booking"] = "b1" });

        var block = _chain.Commit(revoke, start);

        Verdict.Refused(block.Results[1], "unlicensed: licence was revoked");
    }
}
