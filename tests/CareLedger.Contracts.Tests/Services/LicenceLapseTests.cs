using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

public sealed class LicenceLapseTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Revocation_CancelsEveryFutureBookingWithFullRefunds_AndLeavesDeliveredOnesAlone()
    {
        Verdict.Valid(_chain.Book("patient-jones", "done", Slot(0)));
        _chain.RunToCompletion("done");
        Verdict.Valid(_chain.Book("patient-jones", "requested", Slot(5)));
        Verdict.Valid(_chain.Book("patient-lee", "accepted", Slot(6)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "accepted"));

        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-rivera")));
        _chain.Tick();

        Assert.Equal(BookingStatus.Cancelled, _chain.Status("requested"));
        Assert.Equal(BookingStatus.Cancelled, _chain.Status("accepted"));
        Assert.Contains("licence lapsed: licence was revoked", _chain.Booking("accepted").Reason);
        Assert.Equal(900, _chain.BalanceOf("patient-jones"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-lee"));
        Assert.Equal(BookingStatus.Completed, _chain.Status("done"));
        Assert.Equal(Price, _chain.Escrow("booking/done"));
        Assert.Empty(_chain.Snapshot(OpenBookings.KeyPrefix));
    }

    [Fact]
    public void Expiry_CancelsBookingsOnceBlockTimePassesValidUntil()
    {
        var until = Slot(0) - Day;
        Verdict.Valid(_chain.Issue("board-admin", new LicenceIssue(_chain.Account("dr-rivera"), T0, until)));
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));

        _chain.AdvanceTo(until);
        _chain.Tick();
        Assert.Equal(BookingStatus.Accepted, _chain.Status("b1"));
        _chain.Advance(1);
        _chain.Tick();

        Assert.Equal(BookingStatus.Cancelled, _chain.Status("b1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
        Assert.True(_chain.SlotFree(Slot(0)));
    }

    [Fact]
    public void AnotherPractitionersRevocation_LeavesTheseBookingsAlone()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-okafor")));
        _chain.Tick();

        Assert.Equal(BookingStatus.Requested, _chain.Status("b1"));
    }

    [Fact]
    public void Renewal_BeforeExpiry_KeepsBookingsPastTheOldValidUntil()
    {
        var until = Slot(0) - Day;
        Verdict.Valid(_chain.Issue("board-admin", new LicenceIssue(_chain.Account("dr-rivera"), T0, until)));
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.Issue("board-admin", new LicenceIssue(_chain.Account("dr-rivera"), T0, until + 30 * Day)));

        _chain.AdvanceTo(until + 1);
        _chain.Tick();

        Assert.Equal(BookingStatus.Requested, _chain.Status("b1"));
    }

    [Fact]
    public void Reissue_NotYetValid_CancelsOpenBookingsAtTheNextBlock()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        Verdict.Valid(_chain.Issue("board-admin", new LicenceIssue(_chain.Account("dr-rivera"), _chain.Time + 30 * Day, _chain.Time + 60 * Day)));
        _chain.Tick();

        Assert.Equal(BookingStatus.Cancelled, _chain.Status("b1"));
        Assert.Contains("licence lapsed: licence is not yet valid", _chain.Booking("b1").Reason);
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
    }
}
