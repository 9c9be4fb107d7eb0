using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>How a consultation takes place.</summary>
public static class ConsultationModes
{
    public const string Video = "video";
    public const string OnSite = "on-site";
    /// <summary>Asynchronous: the patient sends photos and a questionnaire, the practitioner answers within their published response window (ADR 0020).</summary>
    public const string Async = "async";

    public static readonly IReadOnlyList<string> All = [Video, OnSite, Async];
}

/// <summary>Profiles and availability: what a practitioner offers, at what price, and when.</summary>
public sealed partial class ServicesContract
{
    public const int MaxSlotsPerCall = 100;
    public const long MinSlotMinutes = 5;
    public const long MaxSlotMinutes = 8 * 60;
    /// <summary>The latest time a slot may start (year 5138): deadlines stay 15-digit keys that sort in time order.</summary>
    private const long LatestTime = 99_999_999_999_999;
    /// <summary>The longest response window an asynchronous consultation may promise: a week.</summary>
    public const long MaxResponseHours = 7 * 24;

    private static Outcome PublishProfile(ContractContext ctx, CborMap args)
    {
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed: {licence.Error}");
        var languages = args.GetList("languages");
        if (languages.Count is 0 or > 20 || !languages.All(l => l is string s && s.Length is >= 2 and <= 16 && s.All(c => c is >= 'a' and <= 'z' or '-')))
            return Outcome.Fail("languages are 1-20 lowercase language tags, such as \"en\" or \"pt-br\"");
        if (languages.Distinct().Count() != languages.Count) return Outcome.Fail("a language is listed twice");
        var modes = args.GetList("modes");
        if (modes.Count == 0 || !modes.All(m => m is string s && ConsultationModes.All.Contains(s)) || modes.Distinct().Count() != modes.Count)
            return Outcome.Fail($"modes are one or more of {string.Join(", ", ConsultationModes.All)}, each once");
        var price = args.GetInt("price");
        if (price <= 0) return Outcome.Fail("price must be positive");
        var asset = args.GetText("asset");
        if (!ctx.State.Contains(Asset.Key(asset))) return Outcome.Fail($"unknown asset {asset}");
        var responseHours = args.TryGetInt("responseHours") ?? 0;
        if (modes.Contains(ConsultationModes.Async) && responseHours is < 1 or > MaxResponseHours)
            return Outcome.Fail($"an asynchronous consultation needs a response window of 1 to {MaxResponseHours} hours (responseHours)");
        if (!modes.Contains(ConsultationModes.Async) && responseHours != 0) return Outcome.Fail("a response window is for asynchronous consultations: offer async, or leave it out");

        var member = Members.FindMember(ctx.State, ctx.Sender)!;
        var specialty = ctx.State.Get(Licence.Key(ctx.Sender))!.Specialty;
        ctx.State.Put(PractitionerProfile.Key(ctx.Sender), new PractitionerProfile(ctx.Sender, member.Organisation, member.Name, specialty,
            [.. languages.Cast<string>()], [.. modes.Cast<string>()], price, asset, args.ContainsKey("referralOnly") && args.GetBool("referralOnly"), ctx.BlockTime, responseHours > 0 ? responseHours : null));
        ctx.Emit("ProfilePublished", new CborMap { ["practitioner"] = ctx.Sender.ToString(), ["specialty"] = specialty, ["price"] = price, ["asset"] = asset });
        return Outcome.Ok;
    }

    private static Outcome AddSlots(ContractContext ctx, CborMap args)
    {
        if (!ctx.State.Contains(PractitionerProfile.Key(ctx.Sender))) return Outcome.Fail("publish a profile before adding slots");
        var starts = args.GetList("starts");
        if (starts.Count is 0 or > MaxSlotsPerCall) return Outcome.Fail($"add between 1 and {MaxSlotsPerCall} slots at a time");
        var minutes = args.GetInt("minutes");
        if (minutes is < MinSlotMinutes or > MaxSlotMinutes) return Outcome.Fail($"a slot lasts {MinSlotMinutes} to {MaxSlotMinutes} minutes");
        var taken = ctx.State.Scan(Slot.Of(ctx.Sender)).Select(e => (e.Value.Start, e.Value.End)).ToList();
        var added = new List<(long Start, long End)>();
        foreach (var item in starts)
        {
            if (item is not long start || start > LatestTime) return Outcome.Fail("slot starts are block times in Unix milliseconds");
            if (start <= ctx.BlockTime) return Outcome.Fail($"the slot at {start} is not in the future");
            var end = start + minutes * ServicesTerms.Minute;
            if (taken.Any(t => t.Start < end && start < t.End)) return Outcome.Fail($"the slot at {start} overlaps another of your slots");
            taken.Add((start, end));
            added.Add((start, end));
        }
        foreach (var (start, end) in added)
            ctx.State.Put(Slot.Key(ctx.Sender, start), new Slot(start, end, Booking: ""));
        ctx.Emit("SlotsAdded", new CborMap { ["practitioner"] = ctx.Sender.ToString(), ["count"] = (long)added.Count });
        return Outcome.Ok;
    }

    private static Outcome RemoveSlots(ContractContext ctx, CborMap args)
    {
        var starts = args.GetList("starts");
        if (starts.Count is 0 or > MaxSlotsPerCall) return Outcome.Fail($"remove between 1 and {MaxSlotsPerCall} slots at a time");
        foreach (var item in starts)
        {
            if (item is not long start || start > LatestTime) return Outcome.Fail("slot starts are block times in Unix milliseconds");
            if (ctx.State.Get(Slot.Key(ctx.Sender, start)) is not { } slot) return Outcome.Fail($"you have no slot at {start}");
            if (!slot.Free) return Outcome.Fail($"the slot at {start} is booked; decline the booking first");
            ctx.State.Delete(Slot.Key(ctx.Sender, start));
        }
        ctx.Emit("SlotsRemoved", new CborMap { ["practitioner"] = ctx.Sender.ToString(), ["count"] = (long)starts.Count });
        return Outcome.Ok;
    }
}
