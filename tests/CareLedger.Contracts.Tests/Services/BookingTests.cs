using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

public sealed class BookingTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Book_FreeSlotWithFunds_LocksThePriceInEscrowAndTakesTheSlot()
    {
        var result = _chain.Book("patient-jones", "b1", Slot(0));

        Verdict.Valid(result);
        Assert.Equal("Booked", Assert.Single(result.Events).Name);
        Assert.Equal(BookingStatus.Requested, _chain.Status("b1"));
        Assert.Equal(900, _chain.BalanceOf("patient-jones"));
        Assert.Equal(Price, _chain.Escrow("booking/b1"));
        Assert.False(_chain.SlotFree(Slot(0)));
        Assert.Equal(ServicesActions.Symptoms, _chain.Booking("b1").Symptoms);
    }

    [Fact]
    public void Book_SlotAlreadyBooked_IsRefusedAsTakenAndChangesNothing()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-lee", "b2", Slot(0)), "slot taken");
        Assert.Equal(1_000, _chain.BalanceOf("patient-lee"));
    }

    [Fact]
    public void Book_PriceAboveBalance_IsRefusedAsInsufficientFundsAndChangesNothing()
    {
        Verdict.Valid(_chain.Transfer("patient-jones", _chain.Account("patient-lee"), 950));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b1", Slot(0)), "insufficient funds: balance 50 CARE, needs 100");
        Assert.True(_chain.SlotFree(Slot(0)));
    }

    [Fact]
    public void Book_UnlicensedPractitioner_IsRefusedAndChangesNothing()
    {
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-rivera")));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b1", Slot(0)), "unlicensed practitioner: licence was revoked");
    }

    [Theory]
    [InlineData("B1", "a booking id is")]
    [InlineData("b/1", "a booking id is")]
    public void Book_BadId_IsRefusedAndChangesNothing(string id, string reason) =>
        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", id, Slot(0)), reason);

    [Fact]
    public void Book_IdAlreadyUsed_IsRefused()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-lee", "b1", Slot(1)), "booking b1 already exists");
    }

    [Fact]
    public void Book_NoSuchSlot_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b1", Slot(0) + 1), "has no slot at");

    [Fact]
    public void Book_PractitionerWithoutProfile_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b1", Slot(0), practitioner: "dr-okafor"), "has no published profile");

    [Fact]
    public void Book_ModeNotOffered_IsRefused()
    {
        Verdict.Valid(_chain.PublishProfile("dr-rivera", modes: ["video"]));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b1", Slot(0), mode: "on-site"), "does not offer on-site consultations");
    }

    [Fact]
    public void Book_SlotAlreadyStarted_IsRefused()
    {
        _chain.AdvanceTo(Slot(0));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b1", Slot(0)), "has already started");
    }

    [Fact]
    public void Book_PlaintextSymptoms_AreRefused()
    {
        var tx = _chain.Sign("patient-jones", "services", "book", new CborMap
        {
            ["booking"] = "b1", ["practitioner"] = _chain.Account("dr-rivera").ToString(), ["start"] = Slot(0), ["mode"] = "video", ["symptoms"] = "chest pain",
        });

        _chain.AssertRefusedUnchanged(() => _chain.Commit(tx).Results[0], "the ledger holds no plaintext");
    }

    [Theory]
    [InlineData("dr-okafor", "only a patient may do this")]
    [InlineData("clinic-admin", "only a patient may do this")]
    public void Book_BySomeoneNotAPatient_IsRefused(string sender, string reason) =>
        _chain.AssertRefusedUnchanged(() => _chain.Book(sender, "b1", Slot(0)), reason);

    [Fact]
    public void Accept_ByTheBookingsPractitioner_AcceptsAndKeepsTheEscrow()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));

        Assert.Equal(BookingStatus.Accepted, _chain.Status("b1"));
        Assert.Equal(Price, _chain.Escrow("booking/b1"));
    }

    [Fact]
    public void Accept_BySomeoneElse_IsRefusedAsNotYourBooking()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.PublishProfile("dr-okafor"));

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-okafor", "accept", "b1"), "booking b1 is not yours");
    }

    [Fact]
    public void Accept_AfterLicenceRevokedInTheSameBlock_IsRefusedAsUnlicensed()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        var revoke = _chain.Sign("board-admin", "licensing", "revoke", new CborMap { ["practitioner"] = _chain.Account("dr-rivera").ToString(), ["reason"] = "struck off" });
        var accept = _chain.Sign("dr-rivera", "services", "accept", new CborMap { ["booking"] = "b1" });

        var block = _chain.Commit(revoke, accept);

        Verdict.Valid(block.Results[0]);
        Verdict.Refused(block.Results[1], "unlicensed: licence was revoked");
    }

    [Fact]
    public void Accept_Twice_IsRefusedWithTheStatus()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-rivera", "accept", "b1"), "booking b1 is accepted; only a booking that is requested can be accepted");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decline_RequestedOrAccepted_RefundsAtOnceAndFreesTheSlot(bool acceptFirst)
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        if (acceptFirst) Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));

        Verdict.Valid(_chain.OnBooking("dr-rivera", "decline", "b1"));

        Assert.Equal(BookingStatus.Declined, _chain.Status("b1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
        Assert.Equal(0, _chain.Escrow("booking/b1"));
        Assert.True(_chain.SlotFree(Slot(0)));
        Verdict.Valid(_chain.Book("patient-lee", "b2", Slot(0)));
    }

    [Fact]
    public void Decline_ByThePatient_IsRefused()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("patient-jones", "decline", "b1"), "only a practitioner may do this");
    }

    [Fact]
    public void UnknownBooking_IsRefusedByEveryStep()
    {
        foreach (var (sender, action) in new[] { ("dr-rivera", "accept"), ("dr-rivera", "decline"), ("patient-jones", "cancel"), ("dr-rivera", "start-consultation"), ("patient-jones", "acknowledge") })
            _chain.AssertRefusedUnchanged(() => _chain.OnBooking(sender, action, "nope"), "no booking nope");
    }

    [Fact]
    public void NotAccepted_BySlotStart_ExpiresAndRefunds()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        _chain.AdvanceTo(Slot(0) - 1);
        _chain.Tick();
        Assert.Equal(BookingStatus.Requested, _chain.Status("b1"));
        _chain.AdvanceTo(Slot(0));
        _chain.Tick();

        Assert.Equal(BookingStatus.Expired, _chain.Status("b1"));
        Assert.Equal(1_000, _chain.BalanceOf("patient-jones"));
        Assert.Empty(_chain.Snapshot(Deadline.KeyPrefix));
        Assert.Empty(_chain.Snapshot(OpenBookings.KeyPrefix));
    }

    [Fact]
    public void Query_Bookings_ListsThemForBothParties()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.Book("patient-lee", "b2", Slot(1)));

        var doctors = _chain.Query<BookingList>("services", "bookings", new CborMap { ["account"] = _chain.Account("dr-rivera").ToString() }).Bookings;
        var jones = _chain.Query<BookingList>("services", "bookings", new CborMap { ["account"] = _chain.Account("patient-jones").ToString() }).Bookings;

        Assert.Equal(2, doctors.Count);
        Assert.Equal("b1", Assert.Single(jones).Id);
        Assert.Equal("b2", _chain.Query<Found<Booking>>("services", "booking", new CborMap { ["booking"] = "b2" }).Value?.Id);
        Assert.Null(_chain.Query<Found<Booking>>("services", "booking", new CborMap { ["booking"] = "zz" }).Value);
    }
}
