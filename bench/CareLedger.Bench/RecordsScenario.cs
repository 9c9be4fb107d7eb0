using CareLedger.Vault.Records;
using System.Diagnostics;
using System.Text.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Records;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Hosting;

namespace CareLedger.Bench;

/// <summary>
/// Encrypted records through the HTTP API, as a client does it: writers add 4 KB FHIR
/// Observations (validate, encrypt, wrap, records.add, upload), then readers fetch them at a
/// fixed rate (open loop), each read signed, consent-checked at the head block and queued for
/// the ledger's access log. Reports records/s written and read latency percentiles.
/// </summary>
public static class RecordsScenario
{
    public const int Writers = 16;
    public const int RecordsPerWriter = 25;

    public sealed record Figures(int Records, double WriteSeconds, double RecordsPerSecond, double WriteP50Ms, double WriteP99Ms,
        int Reads, double ReadRate, double ReadP50Ms, double ReadP99Ms, double ReadMaxMs, double HttpP99Ms, int Failed, double AuditLagMs);

    public static async Task<Figures> RunAsync(BenchNode bench, Population population, int readRate, TimeSpan duration, CancellationToken ct)
    {
        var node = bench.Ledger;
        var writers = population.Patients.Take(Writers).ToList();
        await PublishKeysAsync(node, writers, ct);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = bench.BaseAddress };
        var client = new NodeClient(http);
        var records = new RecordsClient(client);
        var audience = await client.AudienceAsync(ct);
        var resource = Observation4Kb();

        var written = new List<(SigningKey Patient, string Record)>();
        var writeLatencies = new List<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(writers.Select(async patient =>
        {
            for (var i = 0; i < RecordsPerWriter; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var added = await records.AddAsync(patient, patient.Account, resource, emergencyAccess: false, ct);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (written) { written.Add((patient, added.Record)); writeLatencies.Add(ms); }
            }
        }));
        var writeSeconds = clock.Elapsed.TotalSeconds;

        var reads = new List<Task<(double Total, double Http, bool Ok)>>();
        var interval = TimeSpan.FromSeconds(1.0 / readRate);
        var count = (int)(readRate * duration.TotalSeconds);
        var logBefore = CountAccessEntries(node, writers);
        clock.Restart();
        for (var i = 0; i < count; i++)
        {
            var due = interval * i;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
            var (patient, record) = written[i % written.Count];
            reads.Add(Task.Run(() => ReadOnceAsync(http, audience, patient, record, ct), ct));
        }
        var results = await Task.WhenAll(reads);
        var readSeconds = clock.Elapsed.TotalSeconds;

        var auditClock = Stopwatch.StartNew();
        while (CountAccessEntries(node, writers) - logBefore < count && auditClock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(5, ct);

        var ok = results.Where(r => r.Ok).ToList();
        return new Figures(written.Count, writeSeconds, written.Count / writeSeconds,
            Percentiles.Of(writeLatencies, 0.5), Percentiles.Of(writeLatencies, 0.99),
            count, count / readSeconds, Percentiles.Of(ok.Select(r => r.Total), 0.5), Percentiles.Of(ok.Select(r => r.Total), 0.99),
            ok.Count == 0 ? 0 : ok.Max(r => r.Total), Percentiles.Of(ok.Select(r => r.Http), 0.99), results.Length - ok.Count,
            auditClock.Elapsed.TotalMilliseconds);
    }

    /// <summary>One read as a client makes it: the signed GET (consent check and access-log entry on the node), then unwrap and decrypt.</summary>
    private static async Task<(double, double, bool)> ReadOnceAsync(HttpClient http, RequestAudience audience, SigningKey patient, string record, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = await SignedHttp.Get(patient, audience, $"/v1/records/{record}");
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        var httpMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode) return (0, 0, false);
        var envelope = JsonSerializer.Deserialize<RecordEnvelope>(body, JsonSerializerOptions.Web)!;
        var dataKey = Vault.Crypto.KeyWrap.Unwrap(Convert.FromBase64String(envelope.WrappedKey), patient, record);
        Vault.Crypto.RecordCipher.Decrypt(Convert.FromBase64String(envelope.Ciphertext), dataKey, record, envelope.Version);
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, httpMs, true);
    }

    private static int CountAccessEntries(BenchLedger node, IEnumerable<SigningKey> patients) =>
        patients.Sum(p => node.Store.Scan($"{RecordsContract.AccessPrefix}{p.Account}/").Count());

    internal static async Task PublishKeysAsync(BenchLedger node, IReadOnlyList<SigningKey> patients, CancellationToken ct)
    {
        var nonces = new NonceBook(node.Store);
        var expiry = node.Clock.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        var waits = new List<Task<Receipt>>();
        foreach (var p in patients)
        {
            var tx = Transaction.Create(p, node.Genesis.ChainId, nonces.Next(p.Account), expiry, "records", "publish-key", new CborMap());
            if (node.Pool.Submit(tx).Status != SubmitStatus.Accepted) throw new InvalidOperationException("publish-key refused");
            waits.Add(node.Pool.WaitForCommitAsync(tx.Id, ct));
        }
        await Task.WhenAll(waits);
    }

    /// <summary>A valid Observation of about 4 KB (a long clinical note).</summary>
    private static string Observation4Kb()
    {
        var note = string.Concat(Enumerable.Repeat("Patient reports intermittent palpitations after exercise; no syncope. ", 52));
        return $$"""
            {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
             "subject":{"reference":"Patient/bench"},"effectiveDateTime":"2026-11-20","valueQuantity":{"value":88,"unit":"/min"},
             "note":[{"text":"{{note}}"}]}
            """;
    }


    public static void Print(Figures f)
    {
        Console.WriteLine();
        Console.WriteLine($"records write: {f.Records} records of ~4 KB in {f.WriteSeconds:F1} s = {f.RecordsPerSecond:F0} records/s " +
                          $"({Writers} writers; latency p50 {f.WriteP50Ms:F1} ms, p99 {f.WriteP99Ms:F1} ms: validate, encrypt, wrap, records.add committed, upload)");
        Console.WriteLine($"records read: {f.Reads} reads at {f.ReadRate:F0}/s open loop: p50 {f.ReadP50Ms:F2} ms, p99 {f.ReadP99Ms:F2} ms, max {f.ReadMaxMs:F1} ms " +
                          $"(HTTP alone p99 {f.HttpP99Ms:F2} ms; consent check at the head, access-log entry queued), failed {f.Failed}; " +
                          $"all access-log entries committed {f.AuditLagMs:F0} ms after the last read");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            records_written = f.Records, records_per_s = Math.Round(f.RecordsPerSecond, 1), write_p50_ms = Math.Round(f.WriteP50Ms, 2), write_p99_ms = Math.Round(f.WriteP99Ms, 2),
            reads = f.Reads, read_rate = Math.Round(f.ReadRate, 1), read_p50_ms = Math.Round(f.ReadP50Ms, 2), read_p99_ms = Math.Round(f.ReadP99Ms, 2),
            read_http_p99_ms = Math.Round(f.HttpP99Ms, 2), read_failed = f.Failed, audit_lag_ms = Math.Round(f.AuditLagMs),
        }));
    }
}
