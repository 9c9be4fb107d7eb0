using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

public sealed class RatingTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public void Dispose() => _chain.Dispose();

    private TxResult Rate(string patient, string booking, long score) =>
        _chain.OnBooking(patient, "rate", booking, new CborMap { ["score"] = score });

    private void Completed(string booking, int slot, string patient = "patient-jones")
    {
        Verdict.Valid(_chain.Book(patient, booking, Slot(slot)));
        _chain.RunToCompletion(booking, patient);
    }

    [Fact]
    public void Rate_CompletedConsultation_CountsOnceInTheAggregate()
    {
        Completed("b1", 0);

        var result = Rate("patient-jones", "b1", 4);

        Verdict.Valid(result);
        Assert.Equal(new Rating(4, 1), ServicesContract.RatingOf(_chain.View, _chain.Account("dr-rivera")));
        _chain.AssertRefusedUnchanged(() => Rate("patient-jones", "b1", 5), "you already rated booking b1");
    }

    [Fact]
    public void Rate_ByAnotherPatientOrThePractitioner_IsRefused()
    {
        Completed("b1", 0);

        _chain.AssertRefusedUnchanged(() => Rate("patient-lee", "b1", 1), "booking b1 is not yours");
        _chain.AssertRefusedUnchanged(() => Rate("dr-rivera", "b1", 5), "only a patient may do this");
    }

    [Fact]
    public void Rate_BeforeCompletionOrAfterCancellation_IsRefused()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        _chain.AssertRefusedUnchanged(() => Rate("patient-jones", "b1", 5), "only a completed consultation can be rated");
        Verdict.Valid(_chain.OnBooking("patient-jones", "cancel", "b1"));

        _chain.AssertRefusedUnchanged(() => Rate("patient-jones", "b1", 5), "booking b1 is cancelled");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-3)]
    public void Rate_ScoreOutsideOneToFive_IsRefused(long score)
    {
        Completed("b1", 0);

        _chain.AssertRefusedUnchanged(() => Rate("patient-jones", "b1", score), "a score is a whole number from 1 to 5");
    }

    [Fact]
    public void Rate_AfterRelease_IsStillAllowed()
    {
        Completed("b1", 0);
        Verdict.Valid(_chain.OnBooking("patient-jones", "acknowledge", "b1"));

        Verdict.Valid(Rate("patient-jones", "b1", 5));
    }

    [Fact]
    public void Ratings_AreShownInSearchAsRoundedTenths()
    {
        Completed("b1", 0);
        Completed("b2", 1, "patient-lee");
        Completed("b3", 2);
        Verdict.Valid(Rate("patient-jones", "b1", 5));
        Verdict.Valid(Rate("patient-lee", "b2", 4));
        Verdict.Valid(Rate("patient-jones", "b3", 4));

        var listing = Assert.Single(_chain.Query<SearchResults>("services", "search", new CborMap()).Practitioners);

        Assert.Equal(43L, listing.RatingTenths);
        Assert.Equal(3L, listing.Ratings);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(9, 2, 45)]
    [InlineData(13, 3, 43)]
    [InlineData(14, 3, 47)]
    [InlineData(5, 1, 50)]
    public void AverageTenths_RoundsHalfUpWithIntegersOnly(long sum, long count, long tenths) =>
        Assert.Equal(tenths, new Rating(sum, count).AverageTenths);
}
