using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Prescriptions;

/// <summary>
/// Adherence. The schedule starts on the (UTC) day of the first dispense: so many doses a day, up
/// to the doses dispensed, and no further than the day a prescription is cancelled. The patient
/// checks in each dose taken, at most the day's scheduled doses. A programme — an insurer's or a
/// clinic's pool held in the escrow "programme/{id}" — pays the patients who joined it a reward
/// per dispense and per day on which every scheduled dose was checked in, while the pool lasts.
/// </summary>
public sealed partial class PrescriptionsContract
{
    public static string ProgrammeEscrow(string programme) => "programme/" + programme;

    private static Outcome FundProgramme(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("programme");
        if (!CallerIds.IsValid(id)) return Outcome.Fail("a programme id is 1-64 lowercase letters, digits or hyphens");
        var member = Members.FindMember(ctx.State, ctx.Sender)!;
        var kind = Members.FindOrganisation(ctx.State, member.Organisation)?.Kind;
        if (kind is not (OrganisationKinds.Insurer or OrganisationKinds.Clinic)) return Outcome.Fail("only an insurer or a clinic runs an adherence programme");
        var asset = args.GetText("asset");
        var perDay = args.GetInt("rewardPerDay");
        var perDispense = args.GetInt("rewardPerDispense");
        if (perDay < 0 || perDispense < 0) return Outcome.Fail("rewards must not be negative");
        var programme = ctx.State.Get(AdherenceProgramme.Key(id));
        if (programme is not null && programme.Org != member.Organisation) return Outcome.Fail($"programme {id} belongs to {programme.Org}");
        if (programme is not null && programme.Asset != asset) return Outcome.Fail($"programme {id} pays in {programme.Asset}, not {asset}");
        var amount = args.GetInt("amount");
        var locked = TokenEscrow.Lock(ctx.State, ProgrammeEscrow(id), asset, ctx.Sender, amount);
        if (!locked.IsOk) return locked;
        ctx.State.Put(AdherenceProgramme.Key(id),
            new AdherenceProgramme(id, member.Organisation, asset, perDay, perDispense, checked((programme?.Funded ?? 0) + amount), ctx.BlockTime));
        ctx.Emit("ProgrammeFunded", new CborMap { ["programme"] = id, ["org"] = member.Organisation, ["amount"] = amount, ["asset"] = asset });
        return Outcome.Ok;
    }

    private static Outcome Join(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, r => r.Patient, out var rx, out var refusal)) return refusal;
        if (rx.Status != PrescriptionStatus.Active) return Outcome.Fail($"prescription {rx.Id} is {rx.Status}");
        var programme = args.GetText("programme");
        if (!ctx.State.Contains(AdherenceProgramme.Key(programme))) return Outcome.Fail($"no programme {programme}");
        if (rx.Programme.Length > 0) return Outcome.Fail($"prescription {rx.Id} is already in programme {rx.Programme}");
        Save(ctx.State, rx with { Programme = programme });
        ctx.Emit("ProgrammeJoined", new CborMap { ["prescription"] = rx.Id, ["programme"] = programme });
        return Outcome.Ok;
    }

    private static Outcome CheckIn(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, r => r.Patient, out var rx, out var refusal)) return refusal;
        var id = rx.Id;
        if (rx.Status == PrescriptionStatus.Cancelled) return Outcome.Fail($"prescription {id} was cancelled: stop taking it and ask the prescriber");
        if (rx.FirstDay < 0) return Outcome.Fail($"nothing of prescription {id} has been dispensed yet");
        if (rx.Taken >= rx.Dispensed) return Outcome.Fail($"no doses left to take: all {rx.Dispensed} dispensed doses are checked in");
        var day = ctx.BlockTime / Day;
        var key = DoseDay.Key(id, day);
        var taken = ctx.State.Get(key)?.Taken ?? 0;
        var perDay = rx.DosesPerDay;
        if (taken >= perDay) return Outcome.Fail($"all {perDay} doses scheduled today are already checked in");

        ctx.State.Put(key, new DoseDay(taken + 1, ctx.BlockTime));
        rx = rx with { Taken = rx.Taken + 1 };
        var reward = 0L;
        if (taken + 1 == perDay) (rx, reward) = PayReward(ctx.State, rx with { AdherentDays = rx.AdherentDays + 1 }, p => p.RewardPerDay);
        Save(ctx.State, rx);
        ctx.Emit("DoseTaken", new CborMap { ["prescription"] = id, ["day"] = day, ["taken"] = taken + 1, ["scheduled"] = perDay, ["reward"] = reward });
        return Outcome.Ok;
    }

    /// <summary>
    /// Pays the programme's reward of the given kind to the patient if they joined one and its pool
    /// holds it; returns the prescription with the reward counted, and what was paid.
    /// </summary>
    private static (Prescription Rx, long Paid) PayReward(ContractState state, Prescription rx, Func<AdherenceProgramme, long> kind)
    {
        var id = rx.Programme;
        if (id.Length == 0 || state.Get(AdherenceProgramme.Key(id)) is not { } programme) return (rx, 0);
        var reward = kind(programme);
        if (reward <= 0 || TokenEscrow.Held(state, ProgrammeEscrow(id)) < reward) return (rx, 0);
        TokenEscrow.Must(TokenEscrow.Pay(state, ProgrammeEscrow(id), rx.Patient, reward));
        return (rx with { Rewards = checked(rx.Rewards + reward) }, reward);
    }

    /// <summary>Doses scheduled up to <paramref name="time"/>: from the first dispense's day, capped by the doses dispensed.</summary>
    public static long ScheduledDoses(Prescription rx, long time)
    {
        if (rx.FirstDay < 0) return 0;
        var last = time / Day;
        if (rx.Status == PrescriptionStatus.Cancelled) last = Math.Min(last, rx.Cancelled / Day);
        var days = Math.Max(0, last - rx.FirstDay + 1);
        return Math.Min(checked(days * rx.DosesPerDay), rx.Dispensed);
    }

    /// <summary>Doses taken as a whole percentage of doses scheduled, rounded down; 0 when none are scheduled.</summary>
    public static long Percent(long taken, long scheduled) => scheduled == 0 ? 0 : Math.Min(100, taken * 100 / scheduled);

    private static AdherenceReport Adherence(QueryContext q, CborMap args)
    {
        var patient = AccountId.Parse(args.GetText("patient"));
        var items = new List<AdherenceLine>();
        long taken = 0, scheduled = 0, rewards = 0;
        foreach (var (key, _) in q.State.Scan(PatientPrescription.Of(patient)))
        {
            var rx = q.State.Get(Prescription.Key(StateKeys.LastSegment(key)))!;
            var due = ScheduledDoses(rx, q.Time);
            taken += rx.Taken;
            scheduled += due;
            rewards += rx.Rewards;
            items.Add(new AdherenceLine(rx.Id, rx.Medication, rx.DosesPerDay, rx.Taken, due, Percent(rx.Taken, due), rx.AdherentDays, rx.Rewards, rx.Programme));
        }
        return new AdherenceReport(patient, taken, scheduled, Percent(taken, scheduled), rewards, items);
    }
}
