using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>
/// The access log: each entry is a read a node served or refused, carrying the reader's own
/// signature over the request, which is checked here — a node cannot log a read nobody asked for.
/// What the read was entitled to is the contract's own judgement, not the node's word: purpose,
/// reason and break-glass come from the patient's consent as of the signed request's time and from
/// the break-glass reason the reader signed. A read the node says it served without consent is
/// logged as such and raised as an event, so the patient sees it.
/// </summary>
public sealed partial class RecordsContract
{
    public const int MaxEntriesPerLog = 256;
    /// <summary>How far a logged request's own time may lie from the block time.</summary>
    public const long RequestWindowMs = 10 * 60 * 1000;

    private static Outcome LogAccess(ContractContext ctx, CborMap args)
    {
        var entries = args.GetList("entries");
        if (entries.Count is 0 or > MaxEntriesPerLog) return Outcome.Fail($"log between 1 and {MaxEntriesPerLog} entries");
        for (var n = 0; n < entries.Count; n++)
        {
            if (entries[n] is not CborMap entry) return Outcome.Fail($"entry {n} is not a map");
            // One bad entry must not cost the others their place in the log: it is skipped, visibly.
            if (Check(ctx, entry, out var report) is { } error)
            {
                ctx.Emit("AccessEntryRejected", new CborMap { ["entry"] = (long)n, ["reason"] = error });
                continue;
            }
            var record = ctx.State.Get(MedicalRecord.Key(report.Record))!;
            var judged = Judge(ctx.State, record, report);
            ctx.State.Put(LoggedRequest.Key(report.Request.Signature), new LoggedRequest(ctx.TxId.ToString()));
            ctx.State.Put(LoggedAccess.Key(record.Patient, ctx.Height, ctx.TxId, n), new LoggedAccess(
                report.Record, record.Type, AccountId.Parse(report.Reader), judged.Purpose, judged.Outcome, judged.Reason, judged.BreakGlass,
                ctx.BlockTime, report.Request.Time, ctx.Sender, ctx.TxId.ToString()));
            var attrs = new CborMap { ["record"] = report.Record, ["patient"] = record.Patient.ToString(), ["reader"] = report.Reader, ["outcome"] = judged.Outcome };
            ctx.Emit(judged.Outcome == ServedWithoutConsent ? "AccessWithoutConsent" : judged.BreakGlass ? "BreakGlassAccess" : "AccessLogged", attrs);
        }
        return Outcome.Ok;
    }

    private static string? Check(ContractContext ctx, CborMap entry, out ReadReport report)
    {
        report = null!;
        try { report = ReadReport.FromCbor(entry); }
        catch (CborMapException e) { return $"malformed entry: {e.Message}"; }
        return CheckEntry(ctx, report);
    }

    private static string? CheckEntry(ContractContext ctx, ReadReport entry)
    {
        var recordId = entry.Record;
        if (!ctx.State.Contains(MedicalRecord.Key(recordId))) return $"no record {recordId}";
        if (entry.Outcome is not ("granted" or "denied")) return "outcome must be granted or denied";
        var request = entry.Request;
        if (AccountId.FromPublicKey(request.PublicKey).ToString() != entry.Reader) return "the request was not signed by the reader";
        var path = request.Path;
        if (request.Method != "GET" || path.Split('?')[0] != $"/v1/records/{recordId}") return "the signed request is not a read of this record";
        if (ctx.State.Contains(LoggedRequest.Key(request.Signature))) return "this signed request was already logged";
        if (Math.Abs(request.Time - ctx.BlockTime) > RequestWindowMs) return "the signed request is too old or too far ahead";
        // The reader signed for this chain and for the node that logs the read: a request sent to another node is not this node's to log.
        if (!RequestSignature.Verify(request.PublicKey, new RequestAudience(ctx.ChainId, ctx.Sender), request.Method, path, request.Time, RequestSignature.EmptyBodyHash, request.Signature))
            return "the reader's request signature does not verify";
        return null;
    }

    /// <summary>The outcome of a read the node reports it served although consent (and break-glass) did not cover it.</summary>
    public const string ServedWithoutConsent = "granted-without-consent";

    private readonly record struct Judgement(string Purpose, string Outcome, string Reason, bool BreakGlass);

    /// <summary>
    /// What the reader was entitled to when they signed the request: a grant, or a break-glass they asked for in
    /// the signed request and were licensed to use. Only whether it was served is the node's to say.
    /// </summary>
    private static Judgement Judge(ContractState state, MedicalRecord record, ReadReport report)
    {
        var reader = AccountId.Parse(report.Reader);
        var time = report.Request.Time;
        var decision = RecordAccess.CheckRead(state, record.Id, reader, time);
        // A break-glass reason is sealed in the signed request (its text stays in the vault, where erasure reaches it): a
        // reason in clear breaks no glass, so it never reaches the ledger as one.
        var glassReason = SignedQueryValue(report.Request.Path, "breakGlass");
        var breakGlass = false;
        if (SealedCode.IsSealed(glassReason) && !record.Erased && RecordAccess.CheckBreakGlass(state, reader, time) is { Allowed: true } emergency)
        {
            decision = emergency with { Reason = BreakGlassReasonPrefix + glassReason };
            breakGlass = true;
        }
        return (decision.Allowed, report.Outcome) switch
        {
            (true, "granted") => new(decision.Purpose!, "granted", decision.Reason, breakGlass),
            (true, _) => new(decision.Purpose!, "denied", report.Reason, breakGlass),
            (false, "granted") => new("none", ServedWithoutConsent, decision.Reason, false),
            _ => new("none", "denied", decision.Reason, false),
        };
    }

    public const string BreakGlassReasonPrefix = "break-glass: ";
    /// <summary>For callers not yet converted to <see cref="LoggedRequest.Key"/>.</summary>
    public const string SignaturePrefix = LoggedRequest.KeyPrefix;

    /// <summary>A parameter of the signed path's query string, unescaped; "" when absent.</summary>
    internal static string SignedQueryValue(string pathAndQuery, string name)
    {
        var q = pathAndQuery.IndexOf('?');
        if (q < 0) return "";
        foreach (var pair in pathAndQuery[(q + 1)..].Split('&'))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq] == name) return Uri.UnescapeDataString(pair[(eq + 1)..]);
        }
        return "";
    }
}
