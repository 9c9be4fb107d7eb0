using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// A third participant in the room: the booking's practitioner invites a member by account and part, the booking's patient
/// admits them; both are on the ledger, and the admitted guest's attendance is kept under their part.
/// </summary>
public sealed class GuestTests : IDisposable
{
    private const long Minute = 60_000;
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public GuestTests()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
    }

    public void Dispose() => _chain.Dispose();

    private TxResult Invite(string who, string invitee, string role, string booking = "b1") =>
        _chain.OnBooking(who, "invite", booking, new CborMap { ["invitee"] = _chain.Account(invitee).ToString(), ["role"] = role });

    private TxResult Admit(string who, string invitee, string booking = "b1") =>
        _chain.OnBooking(who, "admit", booking, new CborMap { ["invitee"] = _chain.Account(invitee).ToString() });

    private Guests Guests() => _chain.Query<Guests>("services", "guests", new CborMap { ["booking"] = "b1" });

    [Fact]
    public void ThePractitionerInvites_ThePatientAdmits_TheGuestsAttendanceIsKeptUnderTheirPart()
    {
        _chain.AdvanceTo(Slot(0));
        Verdict.Valid(Invite("dr-rivera", "dr-okafor", "specialist"));
        Assert.Equal(0, Assert.Single(Guests().People).Admitted);
        _chain.AssertRefusedUnchanged(() => _chain.OnBooking("dr-okafor", "attend", "b1", new CborMap { ["event"] = "joined" }), "booking b1 is not yours");

        var admitted = Admit("patient-jones", "dr-okafor");
        Verdict.Valid(admitted);
        Assert.Equal("GuestAdmitted", Assert.Single(admitted.Events).Name);
        var guest = Assert.Single(Guests().People);
        Assert.Equal((_chain.Account("dr-okafor"), "specialist"), (guest.Account, guest.Role));
        Assert.True(guest.Admitted >= guest.Invited && guest.Admitted > 0);

        Verdict.Valid(_chain.OnBooking("dr-okafor", "attend", "b1", new CborMap { ["event"] = "joined" }));
        _chain.Advance(10 * Minute);
        Verdict.Valid(_chain.OnBooking("dr-okafor", "attend", "b1", new CborMap { ["event"] = "left" }));
        var attendance = _chain.Query<Attendance>("services", "attendance", new CborMap { ["booking"] = "b1" });
        Assert.Equal(["specialist joined", "specialist left"], attendance.Entries.Select(e => $"{e.Role} {e.Event}"));
        Assert.Equal(10 * Minute, attendance.Presence(_chain.Time)["specialist"]);
    }

    [Fact]
    public void OnlyTheBookingsPractitioner_Invites_AMember_InAKnownPart()
    {
        _chain.AssertRefusedUnchanged(() => Invite("dr-okafor", "dr-sato", "specialist"), "booking b1 is not yours");
        _chain.AssertRefusedUnchanged(() => Invite("patient-jones", "dr-sato", "specialist"), "only a practitioner may do this");
        _chain.AssertRefusedUnchanged(() => Invite("dr-rivera", "dr-sato", "cousin"), "role must be interpreter or specialist or family");
        _chain.AssertRefusedUnchanged(() => Invite("dr-rivera", "patient-jones", "family"), "the booking's parties are in its room already");
        _chain.AssertRefusedUnchanged(() => Invite("dr-rivera", "dr-sato", "specialist", "no-such"), "no booking no-such");
        Assert.Empty(Guests().People);
    }

    [Fact]
    public void OnlyTheBookingsPatient_Admits_SomeoneInvited_Once()
    {
        Verdict.Valid(Invite("dr-rivera", "dr-okafor", "interpreter"));
        _chain.AssertRefusedUnchanged(() => Admit("patient-lee", "dr-okafor"), "booking b1 is not yours");
        _chain.AssertRefusedUnchanged(() => Admit("dr-rivera", "dr-okafor"), "only a patient may do this");
        _chain.AssertRefusedUnchanged(() => Admit("patient-jones", "dr-sato"), $"{_chain.Account("dr-sato")} is not invited to booking b1");
        Verdict.Valid(Admit("patient-jones", "dr-okafor"));
        _chain.AssertRefusedUnchanged(() => Admit("patient-jones", "dr-okafor"), $"{_chain.Account("dr-okafor")} is already admitted to booking b1");
    }

    [Fact]
    public void AtMostTwoGuests_OnePerPart_FourInTheRoom()
    {
        Verdict.Valid(Invite("dr-rivera", "dr-okafor", "specialist"));
        _chain.AssertRefusedUnchanged(() => Invite("dr-rivera", "dr-okafor", "interpreter"), $"{_chain.Account("dr-okafor")} is already invited to booking b1");
        _chain.AssertRefusedUnchanged(() => Invite("dr-rivera", "dr-sato", "specialist"), "booking b1 already has a guest as specialist");
        Verdict.Valid(Invite("dr-rivera", "dr-sato", "interpreter"));
        _chain.AssertRefusedUnchanged(() => Invite("dr-rivera", "lab-tech", "family"), $"a consultation's room holds at most {ServicesContract.MaxGuests} guests besides its parties");
    }

    [Fact]
    public void AfterTheConsultationEnds_NobodyIsInvitedOrAdmitted()
    {
        Verdict.Valid(Invite("dr-rivera", "dr-okafor", "specialist"));
        _chain.AdvanceTo(Slot(0));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b1"));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "end-consultation", "b1"));

        _chain.AssertRefusedUnchanged(() => Invite("dr-rivera", "dr-sato", "interpreter"),
            "booking b1 is ended; only a booking that is accepted or in-progress can be joined by a guest");
        _chain.AssertRefusedUnchanged(() => Admit("patient-jones", "dr-okafor"),
            "booking b1 is ended; only a booking that is accepted or in-progress can be joined by a guest");
    }
}
