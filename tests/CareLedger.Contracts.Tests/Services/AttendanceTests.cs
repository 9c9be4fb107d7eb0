using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>Proof of attendance: each party records their own joining and leaving of the consultation's room, at block times.</summary>
public sealed class AttendanceTests : IDisposable
{
    private const long Minute = 60_000;
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public AttendanceTests()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
    }

    public void Dispose() => _chain.Dispose();

    private TxResult Attend(string who, string what, string booking = "b1") =>
        _chain.OnBooking(who, "attend", booking, new CborMap { ["event"] = what });

    private Attendance Attendance() => _chain.Query<Attendance>("services", "attendance", new CborMap { ["booking"] = "b1" });

    [Fact]
    public void BothPartiesJoinAndLeave_TheLedgerKeepsWhoWasThereAndForHowLong()
    {
        _chain.AdvanceTo(Slot(0) - 2 * Minute);
        Verdict.Valid(Attend("dr-rivera", "joined"));
        _chain.Advance(3 * Minute);
        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b1"));
        var joined = Attend("patient-jones", "joined");
        _chain.Advance(20 * Minute);
        Verdict.Valid(Attend("patient-jones", "left"));
        _chain.Advance(Minute);
        Verdict.Valid(Attend("dr-rivera", "left"));

        Verdict.Valid(joined);
        Assert.Equal("Attended", Assert.Single(joined.Events).Name);
        var attendance = Attendance();
        Assert.Equal(["practitioner joined", "patient joined", "patient left", "practitioner left"], attendance.Entries.Select(e => $"{e.Role} {e.Event}"));
        Assert.Equal(Slot(0) + Minute, attendance.Entries[1].Time);
        var presence = attendance.Presence(until: _chain.Time);
        Assert.Equal(20 * Minute, presence["patient"]);
        Assert.Equal(24 * Minute, presence["practitioner"]);
    }

    [Fact]
    public void AJoinWithoutALeave_CountsUntilTheTimeAsked()
    {
        _chain.AdvanceTo(Slot(0));
        Verdict.Valid(Attend("patient-jones", "joined"));
        _chain.Advance(7 * Minute);

        Assert.Equal(7 * Minute, Attendance().Presence(until: _chain.Time)["patient"]);
    }

    [Fact]
    public void SomeoneNotPartyToTheBooking_AnUnknownEvent_OrAClosedBooking_IsRefusedAndChangesNothing()
    {
        _chain.AssertRefusedUnchanged(() => Attend("patient-lee", "joined"), "booking b1 is not yours");
        _chain.AssertRefusedUnchanged(() => Attend("patient-jones", "joined", "no-such"), "booking no-such is not yours");
        _chain.AssertRefusedUnchanged(() => Attend("patient-jones", "waved"), "event must be joined or left");
        Verdict.Valid(_chain.OnBooking("patient-jones", "cancel", "b1"));
        _chain.AssertRefusedUnchanged(() => Attend("patient-jones", "joined"), "booking b1 is cancelled; only a booking that is accepted or in-progress or ended can be attended");
        Assert.Empty(Attendance().Entries);
    }
}
