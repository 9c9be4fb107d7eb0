using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

public sealed class DisputeTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public DisputeTests() => Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

    public void Dispose() => _chain.Dispose();

    private TxResult Dispute(string sender, string booking = "b1") =>
        _chain.OnBooking(sender, "dispute", booking, new CborMap { ["reason"] = "the video never connected" });

    private TxResult Resolve(string decision, long? refund = null, string arbitrator = "ombudsman")
    {
        var extra = new CborMap { ["decision"] = decision };
        if (refund is { } amount) extra["refund"] = amount;
        return _chain.OnBooking(arbitrator, "resolve", "b1", extra);
    }

    private void CompleteAndDispute()
    {
        _chain.RunToCompletion("b1");
        Verdict.Valid(Dispute("patient-jones"));
    }

    [Fact]
    public void Dispute_AfterCompletion_HoldsTheEscrowPastTheAcknowledgementTimeout()
    {
        CompleteAndDispute();

        _chain.Advance(30 * Day);
        _chain.Tick();

        Assert.Equal(BookingStatus.Disputed, _chain.Status("b1"));
        Assert.Equal(Price, _chain.Escrow("booking/b1"));
        Assert.Equal(0, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(BookingStatus.Completed, _chain.Booking("b1").Dispute?.From);
    }

    [Fact]
    public void Resolve_Release_PaysThePractitionerLessTheFee()
    {
        CompleteAndDispute();

        Verdict.Valid(Resolve("release"));

        Assert.Equal(BookingStatus.Resolved, _chain.Status("b1"));
        Assert.Equal(90, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(10, _chain.Treasury("platform"));
        Assert.Equal(900, _chain.BalanceOf("patient-jones"));
    }

    [Fact]
    public void Resolve_Refund_ReturnsEverythingToThePatient()
    {
        CompleteAndDispute();

        Verdict.Valid(Resolve("refund"));

        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
        Assert.Equal(0, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(0, _chain.Treasury("platform"));
        Assert.Equal(0, _chain.Escrow("booking/b1"));
    }

    [Fact]
    public void Resolve_Split_RefundsTheAmountAndReleasesTheRest()
    {
        CompleteAndDispute();

        var result = Resolve("split", 30);

        Verdict.Valid(result);
        Assert.Equal(930, _chain.BalanceOf("patient-jones"));
        Assert.Equal(63, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(7, _chain.Treasury("platform"));
        Assert.Equal(30L, Assert.Single(result.Events).Attributes.GetInt("refunded"));
    }

    [Theory]
    [InlineData("split", null)]
    [InlineData("split", 0L)]
    [InlineData("split", 100L)]
    [InlineData("release", 10L)]
    [InlineData("halve", null)]
    public void Resolve_BadDecision_IsRefusedAndChangesNothing(string decision, long? refund)
    {
        CompleteAndDispute();

        _chain.AssertRefusedUnchanged(() => Resolve(decision, refund), "split with a refund between 1 and 99");
    }

    [Theory]
    [InlineData("clinic-admin", "only an admin of the arbitrator organisation (care-ombudsman)")]
    [InlineData("patient-jones", "only an organisation admin")]
    public void Resolve_BySomeoneOtherThanTheArbitrator_IsRefused(string sender, string reason)
    {
        CompleteAndDispute();

        _chain.AssertRefusedUnchanged(() => Resolve("refund", arbitrator: sender), reason);
    }

    [Fact]
    public void Resolve_UndisputedBooking_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => Resolve("refund"), "booking b1 is requested; only a booking that is disputed can be resolved");

    [Fact]
    public void Dispute_ByThePractitionerDuringTheConsultation_IsAllowed()
    {
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
        _chain.AdvanceTo(Slot(0));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b1"));

        Verdict.Valid(Dispute("dr-rivera"));

        Assert.Equal(_chain.Account("dr-rivera"), _chain.Booking("b1").Dispute?.By);
    }

    [Fact]
    public void Dispute_OfAnAcceptedBooking_StopsTheNoShowRefund()
    {
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
        Verdict.Valid(Dispute("patient-jones"));

        _chain.AdvanceTo(Slot(0) + Day);
        _chain.Tick();

        Assert.Equal(BookingStatus.Disputed, _chain.Status("b1"));
        Assert.Empty(_chain.Snapshot(OpenBookings.KeyPrefix));
    }

    [Fact]
    public void Dispute_BySomeoneElse_IsRefusedAsNotYours()
    {
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));

        _chain.AssertRefusedUnchanged(() => Dispute("patient-lee"), "booking b1 is not yours");
        _chain.AssertRefusedUnchanged(() => Dispute("dr-okafor"), "booking b1 is not yours");
    }

    [Fact]
    public void Dispute_BeforeAcceptanceOrAfterRelease_IsRefused()
    {
        _chain.AssertRefusedUnchanged(() => Dispute("patient-jones"), "booking b1 is requested");
        _chain.RunToCompletion("b1");
        Verdict.Valid(_chain.OnBooking("patient-jones", "acknowledge", "b1"));

        _chain.AssertRefusedUnchanged(() => Dispute("patient-jones"), "booking b1 is released");
    }

    [Fact]
    public void Dispute_Twice_IsRefused()
    {
        CompleteAndDispute();

        _chain.AssertRefusedUnchanged(() => Dispute("dr-rivera"), "booking b1 is disputed");
    }

    [Fact]
    public void Dispute_WithNoArbitratorInGenesis_IsRefused()
    {
        using var chain = new ServicesWorld().WithTerms(null).Open();
        Verdict.Valid(chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(chain.OnBooking("dr-rivera", "accept", "b1"));

        chain.AssertRefusedUnchanged(() => chain.OnBooking("patient-jones", "dispute", "b1", new CborMap { ["reason"] = "x" }),
            "no arbitrator organisation is named in genesis");
    }

    private TxResult Answer(string sender, string statement = "I waited for twenty minutes; the patient never joined") =>
        _chain.OnBooking(sender, "answer-dispute", "b1", new CborMap { ["statement"] = statement });

    [Fact]
    public void AnswerDispute_ByTheOtherSide_IsKeptBesideTheStatement_AndTheArbitratorStillDecides()
    {
        CompleteAndDispute();

        Verdict.Valid(Answer("dr-rivera"));
        Verdict.Valid(Resolve(DisputeDecisions.Refund));

        var dispute = _chain.Get(Booking.Key("b1"))!.Dispute!;
        Assert.Equal(("the video never connected", "I waited for twenty minutes; the patient never joined"), (dispute.Reason, dispute.Answer));
        Assert.Equal(DisputeDecisions.Refund, dispute.Decision);
    }

    [Fact]
    public void AnswerDispute_ByTheOpener_Twice_ByAStranger_OrAfterTheDecision_IsRefusedAndChangesNothing()
    {
        CompleteAndDispute();

        _chain.AssertRefusedUnchanged(() => Answer("patient-jones"), "you opened this dispute");
        _chain.AssertRefusedUnchanged(() => Answer("patient-lee"), "is not yours");
        _chain.AssertRefusedUnchanged(() => Answer("dr-rivera", new string('x', ServicesContract.MaxDisputeReasonLength + 1)), "at most 280 characters");
        Verdict.Valid(Answer("dr-rivera"));
        _chain.AssertRefusedUnchanged(() => Answer("dr-rivera", "again"), "already been answered");
        Verdict.Valid(Resolve(DisputeDecisions.Release));
        _chain.AssertRefusedUnchanged(() => Answer("dr-rivera", "late"), "can be answered");
    }
}
