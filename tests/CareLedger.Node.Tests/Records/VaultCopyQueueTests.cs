using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Node.Consortium;
using CareLedger.Node.Records;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;

namespace CareLedger.Node.Tests.Records;

/// <summary>
/// The background copy queue is bounded (ADR 0022): past <see cref="VaultCopies.MaxQueued"/> a new item is refused, counted,
/// and logged once. <see cref="VaultCopies"/> runs on the demo node's ledger and vault; its start-up scan queues every
/// version the vault lacks, and the queue is not worked off (its background loop is not started).
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class VaultCopyQueueTests(DemoNodeFixture demo)
{
    private const string Allergy = """{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/jones"},"code":{"text":"peanuts"}}""";

    [Fact]
    public async Task StartUpScan_WithMoreMissingVersionsThanTheQueueTakes_QueuesUpToItsCap_CountsTheRestAndLogsOnce()
    {
        var patient = demo.Keys["patient-jones"];
        var content = demo.Node.Service<RecordContent>();
        var forgotten = new List<(string Record, byte[] Blob)>();
        for (var i = 0; i < 4; i++)
        {
            var added = await new RecordsClient(demo.Client).AddAsync(patient, patient.Account, Allergy);
            forgotten.Add((added.Record, demo.Node.Vault.GetBlob(added.Record, Hash256.Parse(added.ContentHash))!));
            Directory.Delete(Path.Combine(demo.Node.DataDir, "vault", "blobs", added.Record), recursive: true);
        }
        using var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var log = new MemoryBlockLog();
        var copies = new VaultCopies(log, new NoPeers(), demo.Node.Keys, demo.Node.Audience, content, demo.Node.Ledger,
            demo.Node.Vault, new LogCatchUp(log, TimeSpan.FromSeconds(3), NullLogger<LogCatchUp>.Instance), TimeProvider.System, factory.CreateLogger<VaultCopies>()) { MaxQueued = 2 };

        await copies.AfterCatchUpAsync(CancellationToken.None);

        Assert.Equal(2, copies.Queued);
        Assert.True(copies.Refused >= 2, $"{copies.Refused} refused");
        var full = Assert.Single(logs.Entries, e => e.Message.Contains("copy queue is full", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, full.Level);
        // Held again, for the tests after this one that read the demo patient's records.
        foreach (var (record, blob) in forgotten) demo.Node.Vault.PutBlob(record, blob);
    }

    /// <summary>Never asked: the queue is not worked off here.</summary>
    private sealed class NoPeers : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no peer is asked in this test");
    }
}
