using System.Diagnostics.CodeAnalysis;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// Telemedicine services: practitioners publish profiles and slots; patients book them with the
/// price locked in escrow (paid by themselves or by their insurer's treasury); the practitioner
/// accepts, runs the consultation and completes it with a summary record; the patient's
/// acknowledgement — or a timeout — releases the price less the platform fee. Cancellations,
/// no-shows, lapsed licences and disputes refund by rule. Second opinions pay per opinion, and
/// patients rate completed consultations once. Money only ever moves through
/// <see cref="Tokens.TokenEscrow"/>, so no sequence of steps creates or destroys a token.
/// </summary>
public sealed partial class ServicesContract : IContract
{
    public const string ContractName = "services";
    /// <summary>For callers not yet converted to <see cref="PractitionerProfile.Key"/>.</summary>
    public const string ProfilePrefix = PractitionerProfile.KeyPrefix;
    /// <summary>For callers not yet converted to <see cref="Slot.Key"/>.</summary>
    public const string SlotPrefix = Slot.KeyPrefix;

    public string Name => ContractName;

    public IReadOnlyList<ContractAction> Actions { get; } =
    [
        new("publish-profile",
            [new("languages", ArgKind.List), new("modes", ArgKind.List), new("price", ArgKind.Integer), new("asset", ArgKind.Text),
             new("referralOnly", ArgKind.Boolean, Optional: true), new("responseHours", ArgKind.Integer, Optional: true)],
            "a practitioner licensed at block time", Members.WithRole(Roles.Practitioner), PublishProfile),
        new("add-slots", [new("starts", ArgKind.List), new("minutes", ArgKind.Integer)], "a practitioner with a profile", Members.WithRole(Roles.Practitioner), AddSlots),
        new("remove-slots", [new("starts", ArgKind.List)], "the practitioner, for free slots", Members.WithRole(Roles.Practitioner), RemoveSlots),
        new("book",
            [new("booking", ArgKind.Text), new("practitioner", ArgKind.Account), new("start", ArgKind.Integer), new("mode", ArgKind.Text),
             new("symptoms", ArgKind.Text), new("insurer", ArgKind.Text, Optional: true), new("referral", ArgKind.Text, Optional: true)],
            "a patient; the price is locked from their balance or their insurer's treasury", Members.WithRole(Roles.Patient), Book),
        new("accept", [new("booking", ArgKind.Text)], "the booking's practitioner, licensed at block time", Members.WithRole(Roles.Practitioner), Accept),
        new("decline", [new("booking", ArgKind.Text), new("reason", ArgKind.Text, Optional: true)],
            "the booking's practitioner, before the consultation starts", Members.WithRole(Roles.Practitioner), Decline),
        new("cancel", [new("booking", ArgKind.Text)], "the booking's patient, before the slot starts", Members.WithRole(Roles.Patient), Cancel),
        new("start-consultation", [new("booking", ArgKind.Text)], "the booking's practitioner, licensed at block time", Members.WithRole(Roles.Practitioner), StartConsultation),
        new("end-consultation", [new("booking", ArgKind.Text)], "the booking's practitioner", Members.WithRole(Roles.Practitioner), EndConsultation),
        new("complete", [new("booking", ArgKind.Text), new("summary", ArgKind.Text)],
            "the booking's practitioner, naming the Encounter record they added for the patient", Members.WithRole(Roles.Practitioner), Complete),
        new("acknowledge", [new("booking", ArgKind.Text)], "the booking's patient", Members.WithRole(Roles.Patient), Acknowledge),
        new("dispute", [new("booking", ArgKind.Text), new("reason", ArgKind.Text)], "the booking's patient or practitioner, before release", Members.AnyMember, OpenDispute),
        new("answer-dispute", [new("booking", ArgKind.Text), new("statement", ArgKind.Text)],
            "the other party to a disputed booking, once, before it is resolved", Members.AnyMember, AnswerDispute),
        new("resolve", [new("booking", ArgKind.Text), new("decision", ArgKind.Text), new("refund", ArgKind.Integer, Optional: true)],
            "an admin of the arbitrator organisation named in genesis", Members.AdminOf(null), Resolve),
        new("refer",
            [new("referral", ArgKind.Text), new("patient", ArgKind.Account), new("organisation", ArgKind.Text), new("examination", ArgKind.Text),
             new("expiry", ArgKind.Integer)],
            "a practitioner licensed at block time", Members.WithRole(Roles.Practitioner), Refer),
        new("request-opinions",
            [new("case", ArgKind.Text), new("records", ArgKind.List), new("practitioners", ArgKind.List), new("fee", ArgKind.Integer),
             new("asset", ArgKind.Text), new("deadline", ArgKind.Integer)],
            "a patient, whose grants let each practitioner read the case's records", Members.WithRole(Roles.Patient), RequestOpinions),
        new("submit-opinion", [new("case", ArgKind.Text), new("contentHash", ArgKind.Text)],
            "a practitioner asked for an opinion on the case, licensed at block time", Members.WithRole(Roles.Practitioner), SubmitOpinion),
        new("attend", [new("booking", ArgKind.Text), new("event", ArgKind.Text)],
            "the booking's patient or practitioner, or a guest the patient admitted, recording their own joining or leaving of its room", Members.AnyMember, Attend),
        new("invite", [new("booking", ArgKind.Text), new("invitee", ArgKind.Account), new("role", ArgKind.Text)],
            "the booking's practitioner, while the room is open: a member as interpreter, specialist or family, at most two", Members.WithRole(Roles.Practitioner), Invite),
        new("admit", [new("booking", ArgKind.Text), new("invitee", ArgKind.Account)],
            "the booking's patient, consenting to an invited guest joining the room", Members.WithRole(Roles.Patient), Admit),
        new("consent-transcript", [new("booking", ArgKind.Text)],
            "the booking's patient or practitioner, consenting that the consultation's chat be kept as a transcript", Members.AnyMember, ConsentTranscript),
        new("record-transcript", [new("booking", ArgKind.Text), new("record", ArgKind.Text)],
            "the booking's patient or practitioner, once both consented, naming the transcript record (a Bundle of the booking)", Members.AnyMember, RecordTranscript),
        new("attach", [new("booking", ArgKind.Text), new("records", ArgKind.List), new("grant", ArgKind.Text)],
            "the booking's patient, attaching records of theirs that a treatment grant of theirs gives the booking's practitioner", Members.WithRole(Roles.Patient), Attach),
        new("rate", [new("booking", ArgKind.Text), new("score", ArgKind.Integer)], "the patient of a completed consultation, once", Members.WithRole(Roles.Patient), Rate),
        new("deposit", [new("asset", ArgKind.Text), new("amount", ArgKind.Integer)],
            "an organisation admin, from their balance into their organisation's treasury", Members.AdminOf(null), Deposit),
        new("withdraw", [new("asset", ArgKind.Text), new("amount", ArgKind.Integer)],
            "an organisation admin, from their organisation's treasury into their balance", Members.AdminOf(null), Withdraw),
        new("set-coverage", [new("patient", ArgKind.Account), new("asset", ArgKind.Text), new("limit", ArgKind.Integer)],
            "an admin of an insurer", Members.AdminOf(OrganisationKinds.Insurer), SetCoverage),
    ];

    /// <summary>Records the genesis terms; a genesis without them writes nothing, so its state root is what it was before this contract.</summary>
    public void InitGenesis(ContractState state, CborMap genesis)
    {
        if (genesis.ContainsKey("services")) state.Put(ServicesTerms.Key, ServicesTerms.FromGenesis(state, genesis));
    }

    /// <summary>Refunds, releases and cancellations that block time has made due, then bookings of practitioners no longer licensed.</summary>
    public void OnBlockStart(ContractState state, ulong height, long blockTime)
    {
        RunDueDeadlines(state, blockTime);
        CancelForLapsedLicences(state, blockTime);
    }

    /// <summary>The booking named in the arguments, when the sender is its <paramref name="party"/> (its patient or practitioner).</summary>
    private static bool TryOwn(ContractContext ctx, CborMap args, Func<Booking, AccountId> party, [NotNullWhen(true)] out Booking? booking, out Outcome refusal)
    {
        var id = args.GetText("booking");
        booking = ctx.State.Get(Booking.Key(id));
        refusal = booking is null ? Outcome.Fail($"no booking {id}")
            : party(booking) != ctx.Sender ? Outcome.Fail($"booking {id} is not yours")
            : Outcome.Ok;
        if (!refusal.IsOk) booking = null;
        return booking is not null;
    }

    private static Outcome WrongStatus(Booking booking, string doing, params string[] allowed) =>
        Outcome.Fail($"booking {booking.Id} is {booking.Status}; only a booking that is {string.Join(" or ", allowed)} can be {doing}");
}
