using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesActions;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// Asynchronous consultations (ADR 0020): booked without a slot with a practitioner who offers them, answered within the
/// response window the profile promised, refunded in full when no answer comes by then; after the answer, escrow works as
/// for video: released on acknowledgement or after the acknowledgement period, disputable before that.
/// </summary>
public sealed class AsyncConsultationTests : IDisposable
{
    private const long Window = 24;
    private readonly TestConsortium _chain = new ServicesWorld().WithoutEncounterGrants().Open();

    public AsyncConsultationTests() =>
        Verdict.Valid(_chain.PublishProfile("dr-okafor", modes: ["video", "async"], responseHours: Window));

    public void Dispose() => _chain.Dispose();

    private TxResult BookAsync(string booking = "a1", string practitioner = "dr-okafor", long start = 0) =>
        _chain.Book("patient-jones", booking, start, practitioner, mode: ConsultationModes.Async);

    private TxResult Answer(string booking = "a1", string practitioner = "dr-okafor")
    {
        var summary = _chain.AddEncounter(practitioner, "patient-jones");
        return _chain.OnBooking(practitioner, "complete", booking, new CborMap { ["summary"] = summary });
    }

    [Fact]
    public void PublishProfile_AsyncWithoutAResponseWindow_IsRefused()
    {
        Verdict.Refused(_chain.PublishProfile("dr-sato", modes: ["async"]), "response window of 1 to 168 hours");
        Verdict.Refused(_chain.PublishProfile("dr-sato", modes: ["async"], responseHours: 169), "response window of 1 to 168 hours");
        Verdict.Refused(_chain.PublishProfile("dr-sato", modes: ["video"], responseHours: 24), "a response window is for asynchronous consultations");
    }

    [Fact]
    public void Book_AsyncWithAPractitionerWhoDoesNotOfferIt_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => BookAsync(practitioner: "dr-rivera"), "does not offer async consultations");

    [Fact]
    public void Book_AsyncNamingASlot_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => BookAsync(start: Slot(0)), "takes no slot");

    [Fact]
    public void Book_Async_LocksThePriceAndRunsToTheEndOfTheResponseWindow()
    {
        var booked = _chain.Time;
        Verdict.Valid(BookAsync());

        var booking = _chain.Booking("a1");
        Assert.Equal(BookingStatus.Requested, booking.Status);
        Assert.Equal(ConsultationModes.Async, booking.Mode);
        Assert.True(booking.Start >= booked);
        Assert.Equal(booking.Start + Window * Hour, booking.End);
        Assert.Equal(Deadlines.AnswerBy, _chain.Get(Deadline.Kept(booking.Deadline))!.Kind);
        Assert.Equal(Price, _chain.Escrow("booking/a1"));
        Assert.Equal(900, _chain.BalanceOf("patient-jones"));
    }

    [Fact]
    public void Answer_WithinTheWindow_CompletesAndAcknowledgementReleasesThePrice()
    {
        Verdict.Valid(BookAsync());
        Verdict.Valid(_chain.OnBooking("dr-okafor", "accept", "a1"));
        _chain.Advance(5 * Hour);

        Verdict.Valid(Answer());
        Assert.Equal(BookingStatus.Completed, _chain.Status("a1"));
        Verdict.Valid(_chain.OnBooking("patient-jones", "acknowledge", "a1"));

        Assert.Equal(BookingStatus.Released, _chain.Status("a1"));
        Assert.Equal(90, _chain.BalanceOf("dr-okafor"));
        Assert.Equal(10, _chain.Treasury("platform"));
        Assert.Equal(900, _chain.BalanceOf("patient-jones"));
        Assert.Empty(_chain.Snapshot(Deadline.KeyPrefix));
    }

    [Fact]
    public void Answer_NotAccepted_IsRefused_AndAPractitionerMayWriteTheSummaryOnlyOnceAccepted()
    {
        Verdict.Valid(BookAsync());
        Verdict.Refused(_chain.Submit("dr-okafor", "records", "add", EncounterArgs()), "no treatment grant");

        Verdict.Valid(_chain.OnBooking("dr-okafor", "accept", "a1"));
        Verdict.Valid(_chain.Submit("dr-okafor", "records", "add", EncounterArgs()));
        Verdict.Refused(_chain.Submit("dr-sato", "records", "add", EncounterArgs()), "no treatment grant");
    }

    private CborMap EncounterArgs() => new()
    {
        ["record"] = NewRecordId(), ["patient"] = _chain.Account("patient-jones").ToString(), ["type"] = "Encounter", ["contentHash"] = Symptoms, ["keysHash"] = Symptoms,
    };

    [Fact]
    public void NoAnswerWithinTheWindow_RefundsThePatientInFull()
    {
        Verdict.Valid(BookAsync());
        Verdict.Valid(_chain.OnBooking("dr-okafor", "accept", "a1"));
        var end = _chain.Booking("a1").End;
        var summary = _chain.AddEncounter("dr-okafor", "patient-jones");

        _chain.AdvanceTo(end - 1);
        _chain.Tick();
        Assert.Equal(BookingStatus.Accepted, _chain.Status("a1"));
        _chain.AdvanceTo(end);
        _chain.Tick();

        var booking = _chain.Booking("a1");
        Assert.Equal(BookingStatus.Expired, booking.Status);
        Assert.Equal(Price, booking.Refunded);
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
        Assert.Equal(0, _chain.BalanceOf("dr-okafor"));
        Verdict.Refused(_chain.OnBooking("dr-okafor", "complete", "a1", new CborMap { ["summary"] = summary }), "only a booking that is accepted can be answered");
    }

    [Fact]
    public void NeitherAcceptedNorAnswered_RefundsAtTheEndOfTheWindow()
    {
        Verdict.Valid(BookAsync());
        _chain.AdvanceTo(_chain.Booking("a1").End);
        _chain.Tick();

        Assert.Equal(BookingStatus.Expired, _chain.Status("a1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
    }

    [Fact]
    public void Acknowledgement_NotGiven_ReleasesAfterTheAcknowledgementPeriod()
    {
        Verdict.Valid(BookAsync());
        Verdict.Valid(_chain.OnBooking("dr-okafor", "accept", "a1"));
        Verdict.Valid(Answer());

        _chain.Advance(48 * Hour);
        _chain.Tick();

        Assert.Equal(BookingStatus.Released, _chain.Status("a1"));
        Assert.Equal(90, _chain.BalanceOf("dr-okafor"));
    }

    [Fact]
    public void Dispute_AfterTheAnswer_StopsTheReleaseUntilTheArbitratorDecides()
    {
        Verdict.Valid(BookAsync());
        Verdict.Valid(_chain.OnBooking("dr-okafor", "accept", "a1"));
        Verdict.Valid(Answer());
        Verdict.Valid(_chain.OnBooking("patient-jones", "dispute", "a1", new CborMap { ["reason"] = "the answer ignored my photos" }));

        _chain.Advance(72 * Hour);
        _chain.Tick();
        Assert.Equal(BookingStatus.Disputed, _chain.Status("a1"));
        Verdict.Valid(_chain.OnBooking("ombudsman", "resolve", "a1", new CborMap { ["decision"] = "refund" }));

        Assert.Equal(BookingStatus.Resolved, _chain.Status("a1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
    }

    [Fact]
    public void Cancel_BeforeAcceptance_RefundsInFull_AfterIt_IsRefused()
    {
        Verdict.Valid(BookAsync("a1"));
        Verdict.Valid(_chain.OnBooking("patient-jones", "cancel", "a1"));
        Assert.Equal(BookingStatus.Cancelled, _chain.Status("a1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));

        Verdict.Valid(BookAsync("a2"));
        Verdict.Valid(_chain.OnBooking("dr-okafor", "accept", "a2"));
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("patient-jones", "cancel", "a2"), "was accepted");
    }

    [Fact]
    public void Accept_KeepsTheAnswerByDeadline_AndNoRoomIsAttended()
    {
        Verdict.Valid(BookAsync());
        var due = _chain.Booking("a1").Due;
        Verdict.Valid(_chain.OnBooking("dr-okafor", "accept", "a1"));

        Assert.Equal(due, _chain.Booking("a1").Due);
        Verdict.Refused(_chain.OnBooking("patient-jones", "attend", "a1", new CborMap { ["event"] = "joined" }), "no room");
    }

    [Fact]
    public void LicenceRevoked_BeforeTheAnswer_RefundsTheOpenAsyncBooking()
    {
        Verdict.Valid(BookAsync());
        Verdict.Valid(_chain.OnBooking("dr-okafor", "accept", "a1"));
        Verdict.Valid(_chain.Submit("board-admin", "licensing", "revoke", new CborMap { ["practitioner"] = _chain.Account("dr-okafor").ToString(), ["reason"] = "struck off" }));
        _chain.Tick();

        Assert.Equal(BookingStatus.Cancelled, _chain.Status("a1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
    }
}
