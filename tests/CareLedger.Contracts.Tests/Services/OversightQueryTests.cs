using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// What an insurer and the arbitrator read: an insurer its coverage and the bookings it pays for, without why the patient came;
/// the arbitrator's admins the disputes. Nobody else gets either answer.
/// </summary>
public sealed class OversightQueryTests : IDisposable
{
    private const string Insurer = "care-insurance";
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public OversightQueryTests()
    {
        Verdict.Valid(_chain.Submit("insurer-admin", "services", "deposit", new CborMap { ["asset"] = Asset, ["amount"] = 500L }));
        Verdict.Valid(_chain.Submit("insurer-admin", "services", "set-coverage",
            new CborMap { ["patient"] = _chain.Account("patient-jones").ToString(), ["asset"] = Asset, ["limit"] = 250L }));
        Verdict.Valid(_chain.Book("patient-jones", "covered", Slot(0), insurer: Insurer));
        Verdict.Valid(_chain.Book("patient-jones", "self-paid", Slot(1)));
    }

    public void Dispose() => _chain.Dispose();

    private InsurerBook? Insured(string asker, string org = Insurer) =>
        _chain.QueryAs<InsurerBook>(asker, "services", "insured", new CborMap { ["org"] = org });

    private DisputeList? Disputes(string asker) => _chain.QueryAs<DisputeList>(asker, "services", "disputes", new CborMap());

    [Fact]
    public void Insured_ForTheInsurersStaff_ListsItsCoverageAndTheBookingsItPays_WithoutTheSymptoms()
    {
        var book = Insured("insurer-admin")!;

        var coverage = Assert.Single(book.Coverage);
        Assert.Equal((_chain.Account("patient-jones"), 250L, 100L), (coverage.Patient, coverage.Limit, coverage.Used));
        var booking = Assert.Single(book.Bookings);
        Assert.Equal(("covered", 100L, BookingStatus.Requested), (booking.Id, booking.Price, booking.Status));
        Assert.Equal("", booking.Symptoms);
    }

    [Theory]
    [InlineData("clinic-admin")]
    [InlineData("patient-jones")]
    [InlineData("dr-rivera")]
    public void Insured_ForAnyoneOutsideTheInsurer_IsRefused(string asker) => Assert.Null(Insured(asker));

    [Fact]
    public void Disputes_ForTheArbitratorsAdmin_ListTheDisputedBookingWithItsStatement_AndOnlyIt()
    {
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "self-paid"));
        Verdict.Valid(_chain.OnBooking("patient-jones", "dispute", "self-paid", new CborMap { ["reason"] = "the doctor never joined" }));

        var disputed = Assert.Single(Disputes("ombudsman")!.Bookings);

        Assert.Equal(("self-paid", BookingStatus.Disputed, "the doctor never joined"), (disputed.Id, disputed.Status, disputed.Dispute!.Reason));
        Assert.Equal(_chain.Account("patient-jones"), disputed.Dispute.By);
        Assert.Equal("", disputed.Symptoms);
    }

    [Theory]
    [InlineData("board-admin")]
    [InlineData("insurer-admin")]
    [InlineData("patient-jones")]
    [InlineData("dr-rivera")]
    public void Disputes_ForAnyoneButTheArbitratorsAdmins_AreRefused(string asker) => Assert.Null(Disputes(asker));
}
