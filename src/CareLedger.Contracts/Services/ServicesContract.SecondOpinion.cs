using System.Collections.Immutable;
using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// Second opinions: a patient puts one case (some of their records) before several
/// practitioners whom their grants already let read it, locking one fee per practitioner. Each
/// opinion is paid from that escrow as it is submitted (its content hash, signed by the
/// practitioner's transaction); at the deadline the fees of opinions not given come back.
/// </summary>
public sealed partial class ServicesContract
{
    public const int MaxCaseRecords = 20;
    public const int MaxOpinions = 10;
    public const long MaxOpinionPeriodMs = 90 * 24 * ServicesTerms.Hour;

    public static string EscrowOfCase(string caseId) => "case/" + caseId;

    private static Outcome RequestOpinions(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("case");
        if (!CallerIds.IsValid(id)) return Outcome.Fail("a case id is 1-64 lowercase letters, digits or hyphens");
        if (ctx.State.Contains(OpinionCase.Key(id))) return Outcome.Fail($"case {id} already exists");
        var records = args.GetList("records");
        if (records.Count is 0 or > MaxCaseRecords || !records.All(r => r is string) || records.Distinct().Count() != records.Count)
            return Outcome.Fail($"a case names 1-{MaxCaseRecords} distinct record ids");
        foreach (string recordId in records)
        {
            if (ctx.State.Get(MedicalRecord.Key(recordId)) is not { } record) return Outcome.Fail($"no record {recordId}");
            if (record.Patient != ctx.Sender) return Outcome.Fail($"record {recordId} is not yours");
            if (record.Erased) return Outcome.Fail($"record {recordId} was erased");
        }
        var practitioners = args.GetList("practitioners");
        if (practitioners.Count is 0 or > MaxOpinions || !practitioners.All(p => p is string s && AccountId.TryParse(s, out _)) || practitioners.Distinct().Count() != practitioners.Count)
            return Outcome.Fail($"ask 1-{MaxOpinions} distinct practitioners (account ids)");
        foreach (string p in practitioners)
            if (CheckOpinionGiver(ctx, AccountId.Parse(p), records) is { } bad) return Outcome.Fail(bad);
        var fee = args.GetInt("fee");
        if (fee <= 0) return Outcome.Fail("fee must be positive");
        var deadline = args.GetInt("deadline");
        if (deadline <= ctx.BlockTime || deadline > ctx.BlockTime + MaxOpinionPeriodMs) return Outcome.Fail("the deadline must lie within 90 days ahead");
        var asset = args.GetText("asset");
        var locked = TokenEscrow.Lock(ctx.State, EscrowOfCase(id), asset, ctx.Sender, checked(fee * practitioners.Count));
        if (!locked.IsOk) return locked;

        var (deadlineKey, due) = Schedule(ctx.State, Deadlines.OpinionsDue, id, deadline);
        ctx.State.Put(OpinionCase.Key(id), new OpinionCase(id, ctx.Sender, [.. records.Cast<string>()], [.. practitioners.Cast<string>()], fee, asset,
            ImmutableSortedDictionary.Create<string, Opinion>(StringComparer.Ordinal), CaseStatus.Open, ctx.BlockTime, Closed: 0, Refunded: 0, deadlineKey, due));
        ctx.Emit("OpinionsRequested", new CborMap { ["case"] = id, ["patient"] = ctx.Sender.ToString(), ["count"] = (long)practitioners.Count, ["fee"] = fee });
        return Outcome.Ok;
    }

    private static string? CheckOpinionGiver(ContractContext ctx, AccountId practitioner, IReadOnlyList<object> records)
    {
        if (Members.FindMember(ctx.State, practitioner)?.Role != Roles.Practitioner) return $"{practitioner} is not a practitioner";
        var licence = LicensingContract.Check(ctx.State, practitioner, ctx.BlockTime);
        if (!licence.IsOk) return $"unlicensed practitioner {practitioner}: {licence.Error}";
        foreach (string recordId in records)
        {
            var access = RecordAccess.CheckRead(ctx.State, recordId, practitioner, ctx.BlockTime);
            if (!access.Allowed) return $"{practitioner} cannot read record {recordId} ({access.Reason}); grant them access first";
        }
        return null;
    }

    private static Outcome SubmitOpinion(ContractContext ctx, CborMap args)
    {
        var id = args.GetText("case");
        if (ctx.State.Get(OpinionCase.Key(id)) is not { } openCase) return Outcome.Fail($"no case {id}");
        var sender = ctx.Sender.ToString();
        if (!openCase.Practitioners.Contains(sender)) return Outcome.Fail($"you were not asked for an opinion on case {id}");
        if (openCase.Status != CaseStatus.Open) return Outcome.Fail($"case {id} is closed");
        if (openCase.Opinions.ContainsKey(sender)) return Outcome.Fail($"you already gave your opinion on case {id}");
        var contentHash = args.GetText("contentHash");
        if (!Hash256.TryParse(contentHash, out _)) return Outcome.Fail("contentHash must be the SHA-256 of the opinion kept in the vault");
        var licence = LicensingContract.Check(ctx.State, ctx.Sender, ctx.BlockTime);
        if (!licence.IsOk) return Outcome.Fail($"unlicensed: {licence.Error}");

        var fee = PayPractitioner(ctx.State, EscrowOfCase(id), ctx.Sender, openCase.Asset, openCase.Fee);
        openCase = openCase with { Opinions = openCase.Opinions.Add(sender, new Opinion(contentHash, ctx.BlockTime, openCase.Fee - fee, fee)) };
        if (openCase.Opinions.Count == openCase.Practitioners.Count) CloseCase(ctx.State, openCase, ctx.BlockTime);
        else ctx.State.Put(OpinionCase.Key(id), openCase);
        ctx.Emit("OpinionSubmitted", new CborMap { ["case"] = id, ["practitioner"] = sender, ["contentHash"] = contentHash, ["paid"] = openCase.Fee - fee });
        return Outcome.Ok;
    }

    /// <summary>Closes a case: whatever its escrow still holds (the fees of opinions not given) goes back to the patient.</summary>
    private static void CloseCase(ContractState state, OpinionCase openCase, long time)
    {
        var escrow = EscrowOfCase(openCase.Id);
        var left = TokenEscrow.Held(state, escrow);
        if (left > 0) TokenEscrow.Must(TokenEscrow.Pay(state, escrow, openCase.Patient, left));
        ClearDeadline(state, openCase.Deadline);
        state.Put(OpinionCase.Key(openCase.Id), openCase with { Status = CaseStatus.Closed, Closed = time, Refunded = left, Deadline = "", Due = 0 });
    }
}
