using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// A third (and fourth) person in a consultation's room: the booking's practitioner invites a member of the consortium
/// (an interpreter, a specialist, a family member who has an account) by account and a role word; the booking's patient
/// admits them, signed in their own browser, before the room lets them in. Both steps are on the ledger, so who was let
/// into a consultation, by whose consent, is auditable; no name is written, only the account and the role word. The
/// invitee's joining and leaving are then recorded under their role word like the parties' (see <see cref="Attend"/>).
/// </summary>
public sealed partial class ServicesContract
{
    /// <summary>A room holds four people (a WebRTC mesh): the two parties and at most two guests.</summary>
    public const int MaxGuests = 2;

    /// <summary>The parts a guest can have; one guest per part, so that attendance by part names one person.</summary>
    public static readonly IReadOnlyList<string> GuestRoles = ["interpreter", "specialist", "family"];

    private static Outcome Invite(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Practitioner, out var booking, out var refusal)) return refusal;
        if (!IsRoomOpen(booking.Status)) return WrongStatus(booking, "joined by a guest", BookingStatus.Accepted, BookingStatus.InProgress);
        var invitee = AccountId.Parse(args.GetText("invitee"));
        var role = args.GetText("role");
        if (!GuestRoles.Contains(role)) return Outcome.Fail($"role must be {string.Join(" or ", GuestRoles)}");
        if (invitee == booking.Patient || invitee == booking.Practitioner) return Outcome.Fail("the booking's parties are in its room already");
        if (!ctx.State.Contains(Member.Key(invitee))) return Outcome.Fail($"invitee {invitee} is not a member");
        var guests = ctx.State.Get(Guests.Key(booking.Id)) ?? new Guests([]);
        if (guests.Find(invitee) is not null) return Outcome.Fail($"{invitee} is already invited to booking {booking.Id}");
        if (guests.People.Any(g => g.Role == role)) return Outcome.Fail($"booking {booking.Id} already has a guest as {role}");
        if (guests.People.Count >= MaxGuests) return Outcome.Fail($"a consultation's room holds at most {MaxGuests} guests besides its parties");
        ctx.State.Put(Guests.Key(booking.Id), new Guests([.. guests.People, new Guest(invitee, role, ctx.BlockTime, 0)]));
        ctx.Emit("GuestInvited", new CborMap { ["booking"] = booking.Id, ["invitee"] = invitee.ToString(), ["role"] = role });
        return Outcome.Ok;
    }

    private static Outcome Admit(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Patient, out var booking, out var refusal)) return refusal;
        if (!IsRoomOpen(booking.Status)) return WrongStatus(booking, "joined by a guest", BookingStatus.Accepted, BookingStatus.InProgress);
        var invitee = AccountId.Parse(args.GetText("invitee"));
        var guests = ctx.State.Get(Guests.Key(booking.Id)) ?? new Guests([]);
        if (guests.Find(invitee) is not { } guest) return Outcome.Fail($"{invitee} is not invited to booking {booking.Id}");
        if (guest.Admitted != 0) return Outcome.Fail($"{invitee} is already admitted to booking {booking.Id}");
        ctx.State.Put(Guests.Key(booking.Id), new Guests([.. guests.People.Select(g => g.Account == invitee ? g with { Admitted = ctx.BlockTime } : g)]));
        ctx.Emit("GuestAdmitted", new CborMap { ["booking"] = booking.Id, ["invitee"] = invitee.ToString(), ["role"] = guest.Role });
        return Outcome.Ok;
    }

    /// <summary>A consultation's room is open (to its parties and admitted guests) while it is accepted or under way.</summary>
    public static bool IsRoomOpen(string status) => status is BookingStatus.Accepted or BookingStatus.InProgress;
}

/// <summary>The people invited into a consultation's room besides its parties, at services/guests/{booking}, in invitation order.</summary>
public sealed record Guests(IReadOnlyList<Guest> People) : ICborRecord<Guests>
{
    public const string KeyPrefix = "services/guests/";

    public static StateKey<Guests> Key(string booking) => new(KeyPrefix + booking);

    public Guest? Find(AccountId account) => People.FirstOrDefault(g => g.Account == account);

    public CborMap ToCbor() => new() { ["people"] = CborRecord.List(People) };

    public static Guests FromCbor(CborMap map) => CborFields.Read(map, static f => new Guests(f.Records<Guest>("people")));
}

/// <summary>A guest: their account, their part (a role word), when the practitioner invited them, and when the patient admitted them (0 until then).</summary>
public sealed record Guest(AccountId Account, string Role, long Invited, long Admitted) : ICborRecord<Guest>
{
    public CborMap ToCbor() => new() { ["account"] = Account.ToString(), ["role"] = Role, ["invited"] = Invited, ["admitted"] = Admitted };

    public static Guest FromCbor(CborMap map) => CborFields.Read(map, static f => new Guest(f.Account("account"), f.Text("role"), f.Int("invited"), f.Int("admitted")));
}
