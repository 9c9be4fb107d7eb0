using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Node.Demo;

namespace CareLedger.Bench;

/// <summary>
/// The FHIR endpoint as a stock FHIR client uses it, with the demo doctor's custodial bearer token:
/// the demo patient grants the doctor Observations; the doctor creates Observations (the node seals,
/// commits and stores them for the custodial key), then reads them back open loop, each read
/// consent-checked, decrypted by the node for the custodial key and logged on the ledger.
/// </summary>
public static class FhirScenario
{
    public const int Writers = 4;
    public const int RecordsPerWriter = 25;

    public sealed record Figures(int Created, double CreateP50Ms, double CreateP99Ms, int Reads, double ReadRate, double ReadP50Ms, double ReadP99Ms, int Failed);

    public static async Task<Figures> RunAsync(BenchNode bench, int readRate, TimeSpan duration, CancellationToken ct)
    {
        var token = (await File.ReadAllTextAsync(Path.Combine(bench.DataDir, "demo-fhir-token.txt"), ct)).Trim();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = bench.BaseAddress };
        using (var patient = DemoConsortium.LoadKey(bench.DataDir, "patient-jones"))
        using (var doctor = DemoConsortium.LoadKey(bench.DataDir, "dr-rivera"))
            await new RecordsClient(new NodeClient(http)).GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [], ["Observation"],
                DateTimeOffset.UtcNow.AddDays(1), ct);
        string subject;
        using (var patient = DemoConsortium.LoadKey(bench.DataDir, "patient-jones")) subject = $"Patient/{patient.Account}";

        var ids = new List<string>();
        var createLatencies = new List<double>();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
        {
            for (var i = 0; i < RecordsPerWriter; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, "fhir/Observation") { Content = new StringContent(Observation(subject), Encoding.UTF8, "application/fhir+json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"FHIR create failed: {(int)response.StatusCode} {body}");
                var id = JsonNode.Parse(body)!["id"]!.GetValue<string>();
                lock (ids) { ids.Add(id); createLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds); }
            }
        }));

        var reads = new List<Task<double?>>();
        var interval = TimeSpan.FromSeconds(1.0 / readRate);
        var count = (int)(readRate * duration.TotalSeconds);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var wait = interval * i - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, ct);
            var id = ids[i % ids.Count];
            reads.Add(Task.Run(() => ReadOnceAsync(http, token, id, ct), ct));
        }
        var results = await Task.WhenAll(reads);
        var readSeconds = clock.Elapsed.TotalSeconds;
        var ok = results.OfType<double>().ToList();
        return new Figures(ids.Count, Percentiles.Of(createLatencies, 0.5), Percentiles.Of(createLatencies, 0.99), count, count / readSeconds,
            Percentiles.Of(ok, 0.5), Percentiles.Of(ok, 0.99), results.Length - ok.Count);
    }

    private static async Task<double?> ReadOnceAsync(HttpClient http, string token, string id, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/Observation/{id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        await response.Content.ReadAsByteArrayAsync(ct);
        return response.IsSuccessStatusCode ? Stopwatch.GetElapsedTime(started).TotalMilliseconds : null;
    }

    private static string Observation(string subject) => $$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
         "subject":{"reference":"{{subject}}"},"effectiveDateTime":"2026-11-20","valueQuantity":{"value":88,"unit":"/min"},
         "note":[{"text":"{{string.Concat(Enumerable.Repeat("Patient reports intermittent palpitations after exercise; no syncope. ", 52))}}"}]}
        """;


    public static void Print(Figures f)
    {
        Console.WriteLine();
        Console.WriteLine($"fhir create: {f.Created} Observations of ~4 KB by {Writers} clients, p50 {f.CreateP50Ms:F1} ms, p99 {f.CreateP99Ms:F1} ms " +
                          "(custodial key: sealed, records.add committed, stored)");
        Console.WriteLine($"fhir read: {f.Reads} reads at {f.ReadRate:F0}/s open loop: p50 {f.ReadP50Ms:F2} ms, p99 {f.ReadP99Ms:F2} ms, failed {f.Failed} " +
                          "(consent check, decrypt for the custodial key, access-log entry queued)");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            fhir_created = f.Created, fhir_create_p50_ms = Math.Round(f.CreateP50Ms, 2), fhir_create_p99_ms = Math.Round(f.CreateP99Ms, 2),
            fhir_reads = f.Reads, fhir_read_rate = Math.Round(f.ReadRate, 1), fhir_read_p50_ms = Math.Round(f.ReadP50Ms, 2), fhir_read_p99_ms = Math.Round(f.ReadP99Ms, 2),
            fhir_read_failed = f.Failed,
        }));
    }
}
