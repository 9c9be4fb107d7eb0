using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>Standard terms: free until 24 hours before the slot, then 50% back; the kept half pays the practitioner less the 10% fee.</summary>
public sealed class CancellationTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public void Dispose() => _chain.Dispose();

    private void BookAndAccept()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
    }

    [Theory]
    [InlineData(-25 * Hour)]
    [InlineData(-24 * Hour)]
    public void Cancel_AcceptedAtOrBeforeTheWindow_RefundsInFull(long beforeStart)
    {
        BookAndAccept();
        _chain.AdvanceTo(Slot(0) + beforeStart);

        var result = _chain.OnBooking("patient-jones", "cancel", "b1");

        Verdict.Valid(result);
        Assert.False(Assert.Single(result.Events).Attributes.GetBool("late"));
        Assert.Equal(BookingStatus.Cancelled, _chain.Status("b1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
        Assert.Equal(0, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(0, _chain.Escrow("booking/b1"));
        Assert.True(_chain.SlotFree(Slot(0)));
    }

    [Theory]
    [InlineData(-24 * Hour + 1)]
    [InlineData(-1)]
    public void Cancel_AcceptedInsideTheWindow_RefundsHalfAndPaysThePractitionerTheRestLessTheFee(long beforeStart)
    {
        BookAndAccept();
        _chain.AdvanceTo(Slot(0) + beforeStart);

        var result = _chain.OnBooking("patient-jones", "cancel", "b1");

        Verdict.Valid(result);
        Assert.True(Assert.Single(result.Events).Attributes.GetBool("late"));
        Assert.Equal(950, _chain.BalanceOf("patient-jones"));
        Assert.Equal(45, _chain.BalanceOf("dr-rivera"));
        Assert.Equal(5, _chain.Treasury("platform"));
        Assert.Equal(0, _chain.Escrow("booking/b1"));
        var booking = _chain.Booking("b1");
        Assert.Equal((50L, 45L, 5L), (booking.Refunded, booking.Paid, booking.Fee));
    }

    [Fact]
    public void Cancel_NotYetAccepted_IsFreeEvenInsideTheWindow()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        _chain.AdvanceTo(Slot(0) - 1);

        Verdict.Valid(_chain.OnBooking("patient-jones", "cancel", "b1"));

        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10 * 60_000)]
    public void Cancel_AtOrAfterTheSlotStart_IsRefusedAsTooLateAndChangesNothing(long afterStart)
    {
        BookAndAccept();
        _chain.AdvanceTo(Slot(0) + afterStart);

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("patient-jones", "cancel", "b1"), "too late to cancel");
        Assert.Equal(BookingStatus.Accepted, _chain.Status("b1"));
    }

    [Fact]
    public void Cancel_SomeoneElsesBooking_IsRefusedAsNotYours()
    {
        BookAndAccept();

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("patient-lee", "cancel", "b1"), "booking b1 is not yours");
    }

    [Fact]
    public void Cancel_ByThePractitioner_IsRefused()
    {
        BookAndAccept();

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "cancel", "b1"), "only a patient may do this");
    }

    [Fact]
    public void Cancel_Twice_IsRefusedWithTheStatus()
    {
        BookAndAccept();
        Verdict.Valid(_chain.OnBooking("patient-jones", "cancel", "b1"));

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("patient-jones", "cancel", "b1"), "booking b1 is cancelled");
    }

    [Theory]
    [InlineData(0, 0, 90)]
    [InlineData(30, 30, 63)]
    [InlineData(100, 100, 0)]
    public void Cancel_LateUnderOtherTerms_RefundsTheConfiguredShare(long percent, long refunded, long paid)
    {
        var terms = StandardTerms();
        terms["lateRefundPercent"] = percent;
        terms["freeCancellationHours"] = 2L;
        using var chain = new ServicesWorld().WithTerms(terms).Open();
        Verdict.Valid(chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(chain.OnBooking("dr-rivera", "accept", "b1"));
        chain.AdvanceTo(Slot(0) - 2 * Hour);
        chain.Tick();
        chain.Advance(1);

        Verdict.Valid(chain.OnBooking("patient-jones", "cancel", "b1"));

        Assert.Equal(1_000 - Price + refunded, chain.BalanceOf("patient-jones"));
        Assert.Equal(paid, chain.BalanceOf("dr-rivera"));
        Assert.Equal(Price - refunded - paid, chain.Treasury("platform"));
    }
}
