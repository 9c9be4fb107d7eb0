using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// Proof of who attended a consultation, and when: each party's portal records their own joining and leaving of the
/// consultation's room, signed with their key, so that a dispute has evidence of who was there for how long. An admitted
/// guest's entries carry their role word (one guest per word). The entries carry block times; what was said is not on
/// the ledger.
/// </summary>
public sealed partial class ServicesContract
{
    /// <summary>Enough for many reconnections in one consultation; beyond it a room's comings and goings are no longer evidence of anything.</summary>
    public const int MaxAttendanceEntries = 200;

    private static Outcome Attend(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("booking");
        var booking = ctx.State.Get(Booking.Key(id));
        var role = booking is null ? null : ctx.Sender == booking.Patient ? "patient" : ctx.Sender == booking.Practitioner ? "practitioner"
            : ctx.State.Get(Guests.Key(id))?.Find(ctx.Sender) is { Admitted: > 0 } guest ? guest.Role : null;
        if (booking is null || role is null) return Outcome.Fail($"booking {id} is not yours");
        var what = args.GetText("event");
        if (booking.Mode == ConsultationModes.Async) return Outcome.Fail($"booking {id} is an asynchronous consultation: it has no room to attend");
        if (what is not (Attendance.Joined or Attendance.Left)) return Outcome.Fail($"event must be {Attendance.Joined} or {Attendance.Left}");
        if (booking.Status is not (BookingStatus.Accepted or BookingStatus.InProgress or BookingStatus.Ended))
            return WrongStatus(booking, "attended", BookingStatus.Accepted, BookingStatus.InProgress, BookingStatus.Ended);
        var kept = ctx.State.Get(Attendance.Key(id)) ?? new Attendance([]);
        if (kept.Entries.Count >= MaxAttendanceEntries) return Outcome.Fail($"the attendance of booking {id} already holds {MaxAttendanceEntries} entries");
        ctx.State.Put(Attendance.Key(id), new Attendance([.. kept.Entries, new AttendanceEntry(role, what, ctx.BlockTime)]));
        ctx.Emit("Attended", new CborMap { ["booking"] = id, ["role"] = role, ["event"] = what });
        return Outcome.Ok;
    }
}

/// <summary>A consultation's comings and goings, at services/attendance/{booking}, in block order.</summary>
public sealed record Attendance(IReadOnlyList<AttendanceEntry> Entries) : ICborRecord<Attendance>
{
    public const string KeyPrefix = "services/attendance/";
    public const string Joined = "joined", Left = "left";

    public static StateKey<Attendance> Key(string booking) => new(KeyPrefix + booking);

    public CborMap ToCbor() => new() { ["entries"] = CborRecord.List(Entries) };

    public static Attendance FromCbor(CborMap map) => CborFields.Read(map, static f => new Attendance(f.Records<AttendanceEntry>("entries")));

    /// <summary>
    /// How long each party was in the room, in ms: from each "joined" to their next "left" (or to <paramref name="until"/>
    /// when the last one has no "left", e.g. a closed tab).
    /// </summary>
    public IReadOnlyDictionary<string, long> Presence(long until)
    {
        var total = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var since = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in Entries)
        {
            if (e.Event == Joined) since.TryAdd(e.Role, e.Time);
            else if (since.TryGetValue(e.Role, out var from))
            {
                since.Remove(e.Role);
                total[e.Role] = total.GetValueOrDefault(e.Role) + (e.Time - from);
            }
        }
        foreach (var (role, from) in since) total[role] = total.GetValueOrDefault(role) + Math.Max(0, until - from);
        return total;
    }
}

public sealed record AttendanceEntry(string Role, string Event, long Time) : ICborRecord<AttendanceEntry>
{
    public CborMap ToCbor() => new() { ["role"] = Role, ["event"] = Event, ["time"] = Time };

    public static AttendanceEntry FromCbor(CborMap map) => CborFields.Read(map, static f => new AttendanceEntry(f.Text("role"), f.Text("event"), f.Int("time")));
}
