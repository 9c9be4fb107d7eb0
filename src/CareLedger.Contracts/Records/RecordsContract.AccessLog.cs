using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>
/// The access log: each entry is a read a node served or refused, carrying the reader's own
/// signature over the request, which is checked here — a node cannot log a read nobody asked for.
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
            string? error;
            try { error = CheckEntry(ctx, entry); }
            catch (CborMapException e) { error = $"malformed entry: {e.Message}"; }
            if (error is not null)
            {
                ctx.Emit("AccessEntryRejected", new CborMap { ["entry"] = (long)n, ["reason"] = error });
                continue;
            }
            var record = ctx.State.Get(RecordPrefix + entry.GetText("record"))!;
            var patient = record.GetText("patient");
            var breakGlass = entry.GetBool("breakGlass");
            ctx.State.Put(SignatureKey(entry), new CborMap { ["tx"] = ctx.TxId.ToString() });
            ctx.State.Put($"{AccessPrefix}{patient}/{ctx.Height:D12}/{ctx.TxId}/{n:D4}", new CborMap
            {
                ["record"] = entry.GetText("record"), ["type"] = record.GetText("type"), ["reader"] = entry.GetText("reader"),
                ["purpose"] = entry.GetText("purpose"), ["outcome"] = entry.GetText("outcome"), ["reason"] = entry.GetText("reason"),
                ["breakGlass"] = breakGlass, ["time"] = ctx.BlockTime, ["requestTime"] = entry.GetMap("request").GetInt("time"),
                ["node"] = ctx.Sender.ToString(), ["tx"] = ctx.TxId.ToString(),
            });
            var attrs = new CborMap { ["record"] = entry.GetText("record"), ["patient"] = patient, ["reader"] = entry.GetText("reader"), ["outcome"] = entry.GetText("outcome") };
            ctx.Emit(breakGlass ? "BreakGlassAccess" : "AccessLogged", attrs);
        }
        return Outcome.Ok;
    }

    private static string? CheckEntry(ContractContext ctx, CborMap entry)
    {
        var recordId = entry.GetText("record");
        if (ctx.State.Get(RecordPrefix + recordId) is null) return $"no record {recordId}";
        if (entry.GetText("outcome") is not ("granted" or "denied")) return "outcome must be granted or denied";
        var request = entry.GetMap("request");
        var key = request.GetBytes("key");
        if (AccountId.FromPublicKey(key).ToString() != entry.GetText("reader")) return "the request was not signed by the reader";
        var path = request.GetText("path");
        if (request.GetText("method") != "GET" || path.Split('?')[0] != $"/v1/records/{recordId}") return "the signed request is not a read of this record";
        if (ctx.State.Get(SignatureKey(entry)) is not null) return "this signed request was already logged";
        var time = request.GetInt("time");
        if (Math.Abs(time - ctx.BlockTime) > RequestWindowMs) return "the signed request is too old or too far ahead";
        if (!RequestSignature.Verify(key, request.GetText("method"), path, time, RequestSignature.EmptyBodyHash, request.GetBytes("sig")))
            return "the reader's request signature does not verify";
        if (entry.GetBool("breakGlass") && entry.GetText("reason") != BreakGlassReasonPrefix + SignedQueryValue(path, "breakGlass"))
            return "a break-glass entry must carry the reason the reader signed";
        return null;
    }

    public const string BreakGlassReasonPrefix = "break-glass: ";
    public const string SignaturePrefix = "records/access-sig/";

    /// <summary>Each signed read is logged once: its signature's hash marks it as used.</summary>
    private static string SignatureKey(CborMap entry) => SignaturePrefix + Hash256.Of(entry.GetMap("request").GetBytes("sig"));

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
