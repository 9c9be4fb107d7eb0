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
        var programme = ctx.State.Get(ProgrammePrefix + id);
        if (programme is not null && programme.GetText("org") != member.Organisation) return Outcome.Fail($"programme {id} belongs to {programme.GetText("org")}");
        if (programme is not null && programme.GetText("asset") != asset) return Outcome.Fail($"programme {id} pays in {programme.GetText("asset")}, not {asset}");
        var locked = TokenEscrow.Lock(ctx.State, ProgrammeEscrow(id), asset, ctx.Sender, args.GetInt("amount"));
        if (!locked.IsOk) return locked;
        ctx.State.Put(ProgrammePrefix + id, new CborMap
        {
            ["id"] = id, ["org"] = member.Organisation, ["asset"] = asset, ["rewardPerDay"] = perDay, ["rewardPerDispense"] = perDispense,
            ["funded"] = checked((programme?.GetInt("funded") ?? 0) + args.GetInt("amount")), ["updated"] = ctx.BlockTime,
        });
        ctx.Emit("ProgrammeFunded", new CborMap { ["programme"] = id, ["org"] = member.Organisation, ["amount"] = args.GetInt("amount"), ["asset"] = asset });
        return Outcome.Ok;
    }

    private static Outcome Join(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "patient", out var rx, out var refusal)) return refusal;
        if (rx.GetText("status") != "active") return Outcome.Fail($"prescription {rx.GetText("id")} is {rx.GetText("status")}");
        var programme = args.GetText("programme");
        if (ctx.State.Get(ProgrammePrefix + programme) is null) return Outcome.Fail($"no programme {programme}");
        if (rx.GetText("programme").Length > 0) return Outcome.Fail($"prescription {rx.GetText("id")} is already in programme {rx.GetText("programme")}");
        rx["programme"] = programme;
        Save(ctx.State, rx);
        ctx.Emit("ProgrammeJoined", new CborMap { ["prescription"] = rx.GetText("id"), ["programme"] = programme });
        return Outcome.Ok;
    }

    private static Outcome CheckIn(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "patient", out var rx, out var refusal)) return refusal;
        var id = rx.GetText("id");
        if (rx.GetText("status") == "cancelled") return Outcome.Fail($"prescription {id} was cancelled: stop taking it and ask the prescriber");
        if (rx.GetInt("firstDay") < 0) return Outcome.Fail($"nothing of prescription {id} has been dispensed yet");
        if (rx.GetInt("taken") >= rx.GetInt("dispensed")) return Outcome.Fail($"no doses left to take: all {rx.GetInt("dispensed")} dispensed doses are checked in");
        var day = ctx.BlockTime / Day;
        var key = $"{DosePrefix}{id}/{day:D8}";
        var taken = ctx.State.Get(key)?.GetInt("taken") ?? 0;
        var perDay = rx.GetInt("dosesPerDay");
        if (taken >= perDay) return Outcome.Fail($"all {perDay} doses scheduled today are already checked in");

        ctx.State.Put(key, new CborMap { ["taken"] = taken + 1, ["last"] = ctx.BlockTime });
        rx["taken"] = rx.GetInt("taken") + 1;
        var reward = 0L;
        if (taken + 1 == perDay)
        {
            rx["adherentDays"] = rx.GetInt("adherentDays") + 1;
            reward = PayReward(ctx.State, rx, "rewardPerDay");
        }
        Save(ctx.State, rx);
        ctx.Emit("DoseTaken", new CborMap { ["prescription"] = id, ["day"] = day, ["taken"] = taken + 1, ["scheduled"] = perDay, ["reward"] = reward });
        return Outcome.Ok;
    }

    /// <summary>Pays the programme's reward of the given kind to the patient if they joined one and its pool holds it; returns what was paid.</summary>
    private static long PayReward(ContractState state, CborMap rx, string kind)
    {
        var id = rx.GetText("programme");
        if (id.Length == 0 || state.Get(ProgrammePrefix + id) is not { } programme) return 0;
        var reward = programme.GetInt(kind);
        if (reward <= 0 || TokenEscrow.Held(state, ProgrammeEscrow(id)) < reward) return 0;
        TokenEscrow.Must(TokenEscrow.Pay(state, ProgrammeEscrow(id), AccountId.Parse(rx.GetText("patient")), reward));
        rx["rewards"] = checked(rx.GetInt("rewards") + reward);
        return reward;
    }

    /// <summary>Doses scheduled up to <paramref name="time"/>: from the first dispense's day, capped by the doses dispensed.</summary>
    public static long ScheduledDoses(CborMap rx, long time)
    {
        var first = rx.GetInt("firstDay");
        if (first < 0) return 0;
        var last = time / Day;
        if (rx.GetText("status") == "cancelled") last = Math.Min(last, rx.GetInt("cancelled") / Day);
        var days = Math.Max(0, last - first + 1);
        return Math.Min(checked(days * rx.GetInt("dosesPerDay")), rx.GetInt("dispensed"));
    }

    /// <summary>Doses taken as a whole percentage of doses scheduled, rounded down; 0 when none are scheduled.</summary>
    public static long Percent(long taken, long scheduled) => scheduled == 0 ? 0 : Math.Min(100, taken * 100 / scheduled);

    private static CborMap Adherence(QueryContext q, CborMap args)
    {
        var patient = args.GetText("patient");
        var items = new List<object>();
        long taken = 0, scheduled = 0, rewards = 0;
        foreach (var (key, _) in q.State.Scan($"{PatientIndexPrefix}{patient}/"))
        {
            var rx = q.State.Get(RxPrefix + key.Split('/')[^1])!;
            var due = ScheduledDoses(rx, q.Time);
            taken += rx.GetInt("taken");
            scheduled += due;
            rewards += rx.GetInt("rewards");
            items.Add(new CborMap
            {
                ["prescription"] = rx.GetText("id"), ["medication"] = rx.GetText("medication"), ["dosesPerDay"] = rx.GetInt("dosesPerDay"),
                ["taken"] = rx.GetInt("taken"), ["scheduled"] = due, ["percent"] = Percent(rx.GetInt("taken"), due),
                ["adherentDays"] = rx.GetInt("adherentDays"), ["rewards"] = rx.GetInt("rewards"), ["programme"] = rx.GetText("programme"),
            });
        }
        return new CborMap
        {
            ["patient"] = patient, ["taken"] = taken, ["scheduled"] = scheduled, ["percent"] = Percent(taken, scheduled), ["rewards"] = rewards,
            ["prescriptions"] = items,
        };
    }
}
