using System.Text.Json.Nodes;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests.Support;

/// <summary>Steps of the record scenarios, with the demo patient and doctor.</summary>
public static class RecordSteps
{
    public const string Patient = "patient-jones";
    public const string Doctor = "dr-rivera";

    public static string Observation(int value) => $$$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
         "subject":{"reference":"Patient/jones"},"effectiveDateTime":"2026-11-20","valueQuantity":{"value":{{{value}}},"unit":"/min"}}
        """;

    public static AccountId Account(this DemoNodeFixture node, string keyName) => new KeyStore(node.Keystore).Show(keyName).Account;

    /// <summary>The patient adds an Observation from a file; returns the file and the new record's id.</summary>
    public static async Task<(string File, string Record)> AddObservationAsync(this DemoNodeFixture node, TempFolder files, int value)
    {
        var file = files.File($"observation-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Observation(value));
        var added = await node.RunWithKeysAsync("record", "add", "--patient", Patient, "--file", file, "--key", Patient);
        Assert.True(added.ExitCode == 0, added.ToString());
        return (file, added.Id("Record"));
    }

    /// <summary>
    /// The patient's access log (--json) once it holds what <paramref name="done"/> looks for: the node
    /// logs reads in batches a moment after answering them.
    /// </summary>
    public static async Task<List<JsonObject>> AccessLogOnceAsync(this DemoNodeFixture node, Func<List<JsonObject>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var result = await node.RunWithKeysAsync("access-log", "--key", Patient, "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            var entries = JsonNode.Parse(result.Output)!.AsArray().OfType<JsonObject>().ToList();
            if (done(entries)) return entries;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the access log never held the expected entries:\n{result.Output}");
            await Task.Delay(50);
        }
    }

    public static bool Has(this List<JsonObject> log, string record, string reader, string outcome, bool breakGlass = false) =>
        log.Any(e => (string?)e["record"] == record && (string?)e["reader"] == reader && (string?)e["outcome"] == outcome && (bool?)e["breakGlass"] == breakGlass);
}
