using System.Threading.Channels;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Node.Records;

/// <summary>
/// Puts every served or refused read on the ledger. Entries are queued as the read is answered
/// and batched into records.log-access transactions (up to 256 entries, or whatever arrived
/// within 20 ms), so a read does not wait for a block — the trade-off: a crash in those
/// milliseconds can lose the entry of a read that was served.
/// </summary>
public sealed class AccessLogger(NodeAccount account, ILogger<AccessLogger> log) : BackgroundService
{
    private readonly Channel<CborMap> _entries = Channel.CreateBounded<CborMap>(new BoundedChannelOptions(100_000) { SingleReader = true });

    public void Record(string recordId, SignedCaller reader, string purpose, bool granted, string reason, bool breakGlass)
    {
        var entry = new CborMap
        {
            ["record"] = recordId, ["reader"] = reader.Account.ToString(), ["purpose"] = purpose,
            ["outcome"] = granted ? "granted" : "denied", ["reason"] = reason, ["breakGlass"] = breakGlass,
            ["request"] = new CborMap
            {
                ["key"] = reader.Key, ["method"] = reader.Method, ["path"] = reader.PathAndQuery, ["time"] = reader.Time, ["sig"] = reader.Signature,
            },
        };
        if (!_entries.Writer.TryWrite(entry)) log.LogError("Access log queue is full; an access to record {Record} was not logged", recordId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _entries.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(20, stoppingToken);
                var batch = new List<object>();
                while (batch.Count < Contracts.Records.RecordsContract.MaxEntriesPerLog && reader.TryRead(out var entry)) batch.Add(entry);
                try { account.Submit("records", "log-access", new CborMap { ["entries"] = batch }); }
                catch (InvalidOperationException e) { log.LogError("Could not log {Count} record accesses: {Reason}", batch.Count, e.Message); }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
