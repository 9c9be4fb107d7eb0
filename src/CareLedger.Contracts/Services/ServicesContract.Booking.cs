using CareLedger.Contracts.Tokens;
using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>Booking a slot, and what may happen before the consultation starts: accept, decline, cancel.</summary>
public sealed partial class ServicesContract
{
    /// <summary>How early before the slot a practitioner may start the consultation.</summary>
    public const long EarlyStartMs = 15 * ServicesTerms.Minute;

    private static Outcome Book(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("booking");
        if (!CallerIds.IsValid(id)) return Outcome.Fail("a booking id is 1-64 lowercase letters, digits or hyphens");
        if (ctx.State.Get(BookingPrefix + id) is not null) return Outcome.Fail($"booking {id} already exists");
        var practitioner = AccountId.Parse(args.GetText("practitioner"));
        if (ctx.State.Get(ProfilePrefix + practitioner) is not { } profile) return Outcome.Fail($"{practitioner} has no published profile");
        var licence = LicensingContract.Check(ctx.State, practitioner, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed practitioner: {licence.Error}");
        var mode = args.GetText("mode");
        if (!profile.GetList("modes").Contains(mode)) return Outcome.Fail($"the practitioner does not offer {mode} consultations");
        var symptoms = args.GetText("symptoms");
        if (!Hash256.TryParse(symptoms, out _))
            return Outcome.Fail("symptoms must be the SHA-256 of the statement kept in the vault: the ledger holds no plaintext");
        var start = args.GetInt("start");
        if (start is < 0 or > LatestTime || ctx.State.Get(SlotKey(practitioner, start)) is not { } slot)
            return Outcome.Fail($"the practitioner has no slot at {start}");
        if (slot.GetText("booking").Length > 0) return Outcome.Fail($"slot taken: the slot at {start} is already booked");
        if (start <= ctx.BlockTime) return Outcome.Fail($"the slot at {start} has already started");
        var referral = args.TryGetText("referral") is { } referralId ? ctx.State.Get(ReferralPrefix + referralId) : null;
        if (CheckReferral(ctx, args, profile, mode, referral) is { } badReferral) return Outcome.Fail(badReferral);

        var booking = new CborMap
        {
            ["id"] = id, ["patient"] = ctx.Sender.ToString(), ["practitioner"] = practitioner.ToString(), ["org"] = profile.GetText("org"),
            ["start"] = start, ["end"] = slot.GetInt("end"), ["mode"] = mode, ["symptoms"] = symptoms,
            ["price"] = profile.GetInt("price"), ["asset"] = profile.GetText("asset"), ["insurer"] = "", ["referral"] = referral?.GetText("id") ?? "",
            ["status"] = "", ["reason"] = "", ["deadline"] = "", ["created"] = ctx.BlockTime, ["accepted"] = 0L, ["started"] = 0L, ["ended"] = 0L,
            ["completed"] = 0L, ["closed"] = 0L, ["summary"] = "", ["refunded"] = 0L, ["paid"] = 0L, ["fee"] = 0L, ["rating"] = 0L,
        };
        var payment = LockPayment(ctx.State, booking, args.TryGetText("insurer"));
        if (!payment.IsOk) return payment;

        slot["booking"] = id;
        ctx.State.Put(SlotKey(practitioner, start), slot);
        if (referral is not null)
        {
            referral["booking"] = id;
            ctx.State.Put(ReferralPrefix + referral.GetText("id"), referral);
        }
        ctx.State.Put($"{PartyPrefix}{ctx.Sender}/{id}", new CborMap { ["role"] = Roles.Patient });
        ctx.State.Put($"{PartyPrefix}{practitioner}/{id}", new CborMap { ["role"] = Roles.Practitioner });
        Transition(ctx.State, booking, BookingStatus.Requested, ctx.BlockTime, (Deadlines.AcceptBy, start));
        ctx.Emit("Booked", new CborMap
        {
            ["booking"] = id, ["patient"] = ctx.Sender.ToString(), ["practitioner"] = practitioner.ToString(), ["start"] = start,
            ["price"] = booking.GetInt("price"), ["asset"] = booking.GetText("asset"), ["insurer"] = booking.GetText("insurer"),
        });
        return Outcome.Ok;
    }

    private static string? CheckReferral(ContractContext ctx, CborMap args, CborMap profile, string mode, CborMap? referral)
    {
        if (!args.ContainsKey("referral"))
            return profile.GetBool("referralOnly") ? "this practitioner sees patients on referral only" : null;
        if (referral is null) return $"no referral {args.GetText("referral")}";
        if (referral.GetText("patient") != ctx.Sender.ToString()) return $"referral {referral.GetText("id")} is not yours";
        if (referral.GetText("booking").Length > 0) return $"referral {referral.GetText("id")} is already used by booking {referral.GetText("booking")}";
        if (referral.GetInt("expiry") <= ctx.BlockTime) return $"referral {referral.GetText("id")} has expired";
        if (referral.GetText("org") != profile.GetText("org")) return $"referral {referral.GetText("id")} is to {referral.GetText("org")}, not {profile.GetText("org")}";
        return mode == ConsultationModes.OnSite ? null : "a referral is for an on-site examination";
    }

    private static Outcome Accept(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "practitioner", out var booking, out var refusal)) return refusal;
        if (booking.GetText("status") != BookingStatus.Requested) return WrongStatus(booking, "accepted", BookingStatus.Requested);
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed: {licence.Error}");
        var terms = ServicesTerms.Read(ctx.State);
        booking["accepted"] = ctx.BlockTime;
        Transition(ctx.State, booking, BookingStatus.Accepted, ctx.BlockTime, (Deadlines.NoShowAt, checked(booking.GetInt("start") + terms.NoShowGraceMs)));
        ctx.Emit("BookingAccepted", new CborMap { ["booking"] = booking.GetText("id") });
        return Outcome.Ok;
    }

    private static Outcome Decline(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "practitioner", out var booking, out var refusal)) return refusal;
        if (!BookingStatus.IsOpen(booking.GetText("status")))
            return WrongStatus(booking, "declined", BookingStatus.Requested, BookingStatus.Accepted);
        var price = booking.GetInt("price");
        Settle(ctx.State, booking, price, BookingStatus.Declined, ctx.BlockTime, args.TryGetText("reason") ?? "declined by the practitioner");
        ctx.Emit("BookingDeclined", new CborMap { ["booking"] = booking.GetText("id"), ["refunded"] = price });
        return Outcome.Ok;
    }

    /// <summary>
    /// The patient cancels: free while the practitioner has not accepted, or until the window
    /// before the slot; after that the terms' share comes back and the rest pays the practitioner.
    /// </summary>
    private static Outcome Cancel(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "patient", out var booking, out var refusal)) return refusal;
        var status = booking.GetText("status");
        if (!BookingStatus.IsOpen(status)) return WrongStatus(booking, "cancelled", BookingStatus.Requested, BookingStatus.Accepted);
        var start = booking.GetInt("start");
        if (ctx.BlockTime >= start)
            return Outcome.Fail($"too late to cancel: the consultation was due to start at {start}; open a dispute if it did not take place");
        var terms = ServicesTerms.Read(ctx.State);
        var price = booking.GetInt("price");
        var free = status == BookingStatus.Requested || ctx.BlockTime <= start - terms.FreeCancellationMs;
        var refund = free ? price : terms.LateRefundOf(price);
        Settle(ctx.State, booking, refund, BookingStatus.Cancelled, ctx.BlockTime, free ? "cancelled by the patient in time" : "cancelled by the patient late");
        ctx.Emit("BookingCancelled", new CborMap { ["booking"] = booking.GetText("id"), ["refunded"] = refund, ["late"] = !free });
        return Outcome.Ok;
    }

    private static Outcome Refer(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("referral");
        if (!CallerIds.IsValid(id)) return Outcome.Fail("a referral id is 1-64 lowercase letters, digits or hyphens");
        if (ctx.State.Get(ReferralPrefix + id) is not null) return Outcome.Fail($"referral {id} already exists");
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed: {licence.Error}");
        var patient = AccountId.Parse(args.GetText("patient"));
        if (Members.FindMember(ctx.State, patient)?.Role != Roles.Patient) return Outcome.Fail($"{patient} is not a registered patient");
        var org = args.GetText("organisation");
        if (Members.FindOrganisation(ctx.State, org) is not { } organisation) return Outcome.Fail($"no organisation '{org}'");
        if (organisation.Kind is not (OrganisationKinds.Laboratory or OrganisationKinds.Clinic))
            return Outcome.Fail($"a referral is to a laboratory or a clinic; {org} is a {organisation.Kind}");
        var examination = args.GetText("examination");
        if (examination.Length > 64) return Outcome.Fail("an examination is a code of at most 64 characters, not a description");
        var expiry = args.GetInt("expiry");
        if (expiry <= ctx.BlockTime) return Outcome.Fail("the referral would already have expired");

        ctx.State.Put(ReferralPrefix + id, new CborMap
        {
            ["id"] = id, ["from"] = ctx.Sender.ToString(), ["patient"] = patient.ToString(), ["org"] = org, ["examination"] = examination,
            ["expiry"] = expiry, ["created"] = ctx.BlockTime, ["booking"] = "",
        });
        ctx.Emit("Referred", new CborMap { ["referral"] = id, ["patient"] = patient.ToString(), ["org"] = org });
        return Outcome.Ok;
    }
}
