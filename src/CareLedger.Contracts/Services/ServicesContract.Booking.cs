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
        if (ctx.State.Contains(Booking.Key(id))) return Outcome.Fail($"booking {id} already exists");
        var practitioner = AccountId.Parse(args.GetText("practitioner"));
        if (ctx.State.Get(PractitionerProfile.Key(practitioner)) is not { } profile) return Outcome.Fail($"{practitioner} has no published profile");
        var licence = LicensingContract.Check(ctx.State, practitioner, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed practitioner: {licence.Error}");
        var mode = args.GetText("mode");
        if (!profile.Modes.Contains(mode)) return Outcome.Fail($"the practitioner does not offer {mode} consultations");
        var symptoms = args.GetText("symptoms");
        if (!Hash256.TryParse(symptoms, out _))
            return Outcome.Fail("symptoms must be the SHA-256 of the statement kept in the vault: the ledger holds no plaintext");
        var start = args.GetInt("start");
        var isAsync = mode == ConsultationModes.Async;
        Slot? slot = null;
        if (isAsync && start != 0) return Outcome.Fail("an asynchronous consultation takes no slot: give start 0");
        if (!isAsync && (start is < 0 or > LatestTime || (slot = ctx.State.Get(Slot.Key(practitioner, start))) is null))
            return Outcome.Fail($"the practitioner has no slot at {start}");
        if (slot is { Free: false }) return Outcome.Fail($"slot taken: the slot at {start} is already booked");
        if (!isAsync && start <= ctx.BlockTime) return Outcome.Fail($"the slot at {start} has already started");
        // An asynchronous consultation runs from booking to the end of the response window the profile promises now.
        var (begins, ends) = slot is null ? (ctx.BlockTime, checked(ctx.BlockTime + (profile.ResponseHours ?? 0) * ServicesTerms.Hour)) : (start, slot.End);
        var referral = args.TryGetText("referral") is { } referralId ? ctx.State.Get(Referral.Key(referralId)) : null;
        if (CheckReferral(ctx, args, profile, mode, referral) is { } badReferral) return Outcome.Fail(badReferral);

        var booking = new Booking(id, ctx.Sender, practitioner, profile.Org, begins, ends, mode, symptoms, profile.Price, profile.Asset,
            Insurer: args.TryGetText("insurer") ?? "", Referral: referral?.Id ?? "", Status: "", Reason: "", Deadline: "", Due: 0, Created: ctx.BlockTime,
            Updated: ctx.BlockTime, Accepted: 0, Started: 0, Ended: 0, Completed: 0, Closed: 0, Summary: "", Refunded: 0, Paid: 0, Fee: 0, Rating: 0,
            Dispute: null);
        var payment = LockPayment(ctx.State, booking);
        if (!payment.IsOk) return payment;

        if (slot is not null) ctx.State.Put(Slot.Key(practitioner, start), slot with { Booking = id });
        if (referral is not null) ctx.State.Put(Referral.Key(referral.Id), referral with { Booking = id });
        ctx.State.Put(BookingParty.Key(ctx.Sender, id), new BookingParty(Roles.Patient));
        ctx.State.Put(BookingParty.Key(practitioner, id), new BookingParty(Roles.Practitioner));
        Transition(ctx.State, booking, BookingStatus.Requested, ctx.BlockTime, isAsync ? (Deadlines.AnswerBy, ends) : (Deadlines.AcceptBy, start));
        ctx.Emit("Booked", new CborMap
        {
            ["booking"] = id, ["patient"] = ctx.Sender.ToString(), ["practitioner"] = practitioner.ToString(), ["start"] = start,
            ["price"] = booking.Price, ["asset"] = booking.Asset, ["insurer"] = booking.Insurer, ["mode"] = mode,
        });
        return Outcome.Ok;
    }

    private static string? CheckReferral(ContractContext ctx, CborMap args, PractitionerProfile profile, string mode, Referral? referral)
    {
        if (!args.ContainsKey("referral"))
            return profile.ReferralOnly ? "this practitioner sees patients on referral only" : null;
        if (referral is null) return $"no referral {args.GetText("referral")}";
        if (referral.Patient != ctx.Sender) return $"referral {referral.Id} is not yours";
        if (referral.Booking.Length > 0) return $"referral {referral.Id} is already used by booking {referral.Booking}";
        if (referral.Expiry <= ctx.BlockTime) return $"referral {referral.Id} has expired";
        if (referral.Org != profile.Org) return $"referral {referral.Id} is to {referral.Org}, not {profile.Org}";
        return mode == ConsultationModes.OnSite ? null : "a referral is for an on-site examination";
    }

    private static Outcome Accept(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Practitioner, out var booking, out var refusal)) return refusal;
        if (booking.Status != BookingStatus.Requested) return WrongStatus(booking, "accepted", BookingStatus.Requested);
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed: {licence.Error}");
        var terms = ServicesTerms.Read(ctx.State);
        // An asynchronous consultation keeps its answer-by deadline: accepting promises the answer, it does not move the window.
        Transition(ctx.State, booking with { Accepted = ctx.BlockTime }, BookingStatus.Accepted, ctx.BlockTime,
            booking.Mode == ConsultationModes.Async ? (Deadlines.AnswerBy, booking.End) : (Deadlines.NoShowAt, checked(booking.Start + terms.NoShowGraceMs)));
        ctx.Emit("BookingAccepted", new CborMap { ["booking"] = booking.Id });
        return Outcome.Ok;
    }

    private static Outcome Decline(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Practitioner, out var booking, out var refusal)) return refusal;
        if (!BookingStatus.IsOpen(booking.Status))
            return WrongStatus(booking, "declined", BookingStatus.Requested, BookingStatus.Accepted);
        Settle(ctx.State, booking, booking.Price, BookingStatus.Declined, ctx.BlockTime, args.TryGetText("reason") ?? "declined by the practitioner");
        ctx.Emit("BookingDeclined", new CborMap { ["booking"] = booking.Id, ["refunded"] = booking.Price });
        return Outcome.Ok;
    }

    /// <summary>
    /// The patient cancels: free while the practitioner has not accepted, or until the window
    /// before the slot; after that the terms' share comes back and the rest pays the practitioner.
    /// </summary>
    private static Outcome Cancel(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Patient, out var booking, out var refusal)) return refusal;
        if (!BookingStatus.IsOpen(booking.Status)) return WrongStatus(booking, "cancelled", BookingStatus.Requested, BookingStatus.Accepted);
        if (booking.Mode == ConsultationModes.Async) return CancelAsync(ctx, booking);
        var start = booking.Start;
        if (ctx.BlockTime >= start)
            return Outcome.Fail($"too late to cancel: the consultation was due to start at {start}; open a dispute if it did not take place");
        var terms = ServicesTerms.Read(ctx.State);
        var free = booking.Status == BookingStatus.Requested || ctx.BlockTime <= start - terms.FreeCancellationMs;
        var refund = free ? booking.Price : terms.LateRefundOf(booking.Price);
        Settle(ctx.State, booking, refund, BookingStatus.Cancelled, ctx.BlockTime, free ? "cancelled by the patient in time" : "cancelled by the patient late");
        ctx.Emit("BookingCancelled", new CborMap { ["booking"] = booking.Id, ["refunded"] = refund, ["late"] = !free });
        return Outcome.Ok;
    }

    private static Outcome Refer(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("referral");
        if (!CallerIds.IsValid(id)) return Outcome.Fail("a referral id is 1-64 lowercase letters, digits or hyphens");
        if (ctx.State.Contains(Referral.Key(id))) return Outcome.Fail($"referral {id} already exists");
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

        ctx.State.Put(Referral.Key(id), new Referral(id, ctx.Sender, patient, org, examination, expiry, ctx.BlockTime, Booking: ""));
        ctx.Emit("Referred", new CborMap { ["referral"] = id, ["patient"] = patient.ToString(), ["org"] = org });
        return Outcome.Ok;
    }
}
