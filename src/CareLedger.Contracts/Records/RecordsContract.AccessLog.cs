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
            if (CheckEntry(ctx, entry) is { } error) return Outcome.Fail($"entry {n}: {error}");
            var record = ctx.State.Get(RecordPrefix + entry.GetText("record"))!;
            var patient = record.GetText("patient");
            var breakGlass = entry.GetBool("breakGlass");
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
        if (!path.Split('?')[0].Split('/').Contains(recordId)) return "the signed request is not for this record";
        var time = request.GetInt("time");
        if (Math.Abs(time - ctx.BlockTime) > RequestWindowMs) return "the signed request is too old or too far ahead";
        if (!RequestSignature.Verify(key, request.GetText("method"), path, time, RequestSignature.EmptyBodyHash, request.GetBytes("sig")))
            return "the reader's request signature does not verify";
        return null;
    }
}
