using System.Threading.Channels;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Records;

/// <summary>
/// Puts every served or refused read on the ledger. Entries are queued as the read is answered
/// and batched into records.log-access transactions (up to 256 entries or ~48 KB, whatever
/// arrived within 20 ms), so a read does not wait for a block — the trade-off: a crash in those
/// milliseconds can lose the entry of a read that was served. The log fails closed: when the queue
/// is full the records API refuses reads, and a batch the pool refuses is retried, never dropped.
/// A transaction logs the reads of one patient's records only, so that its Merkle receipt, which the patient may
/// fetch, shows no one else's.
/// </summary>
public sealed class AccessLogger(NodeAccount account, LedgerReader ledger, ILogger<AccessLogger> log) : BackgroundService
{
    public const int Capacity = 100_000;
    /// <summary>Leaves ample room under the 64 KiB transaction limit for the envelope.</summary>
    private const int MaxBatchBytes = 48 * 1024;
    private readonly Channel<(string Patient, CborMap Entry)> _entries =
        Channel.CreateBounded<(string, CborMap)>(new BoundedChannelOptions(Capacity) { SingleReader = true });

    /// <summary>False when a read must be refused because its entry could not be queued.</summary>
    public bool HasRoom => _entries.Reader.Count < Capacity - 1_000;

    public void Record(string recordId, SignedCaller reader, string purpose, bool granted, string reason, bool breakGlass)
    {
        var entry = new ReadReport(recordId, reader.Account.ToString(), purpose, granted ? "granted" : "denied", reason, breakGlass,
            new ReadRequest(reader.Key, reader.Method, reader.PathAndQuery, reader.Time, reader.Signature)).ToCbor();
        var patient = ledger.State.Get(MedicalRecord.Key(recordId))?.Patient.ToString() ?? "";
        if (!_entries.Writer.TryWrite((patient, entry))) log.LogError("Access log queue is full; an access to record {Record} was not logged", recordId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _entries.Reader;
        (string Patient, CborMap Entry)? carried = null;
        try
        {
            while (carried is not null || await reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(20, stoppingToken);
                var batch = new List<(string Patient, CborMap Entry)>();
                var bytes = 0;
                while (batch.Count < RecordsContract.MaxEntriesPerLog)
                {
                    (string Patient, CborMap Entry)? item = carried ?? (reader.TryRead(out var next) ? next : null);
                    carried = null;
                    if (item is not { } entry) break;
                    var size = entry.Entry.Encode().Length;
                    if (batch.Count > 0 && bytes + size > MaxBatchBytes) { carried = entry; break; }
                    batch.Add(entry);
                    bytes += size;
                }
                foreach (var patient in batch.GroupBy(e => e.Patient, StringComparer.Ordinal))
                    await SubmitWithRetryAsync([.. patient.Select(e => (object)e.Entry)], stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SubmitWithRetryAsync(List<object> batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                account.Submit("records", "log-access", new CborMap { ["entries"] = batch });
                return;
            }
            catch (InvalidOperationException e)
            {
                if (attempt == 1 || attempt % 50 == 0) log.LogWarning("Logging {Count} record accesses is delayed: {Reason}", batch.Count, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 20 * attempt)), ct);
            }
        }
    }
}
