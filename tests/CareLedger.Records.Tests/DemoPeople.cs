using CareLedger.Ledger.Cryptography;
using CareLedger.Client.Records;
using CareLedger.Testing;

namespace CareLedger.Records.Tests;

/// <summary>The demo consortium's people, their keys unlocked, around a real in-process node.</summary>
public sealed class DemoPeople : IAsyncLifetime
{
    public InProcessNode Node { get; private set; } = null!;
    public RecordsClient Records { get; private set; } = null!;
    public SigningKey Patient { get; private set; } = null!;
    public SigningKey Doctor { get; private set; } = null!;
    public SigningKey Pharmacist { get; private set; } = null!;
    public SigningKey ClinicAdmin { get; private set; } = null!;
    public SigningKey BoardAdmin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await InProcessNode.StartAsync();
        Records = new RecordsClient(Node.Client);
        var keys = new KeyStore(Path.Combine(Node.DataDir, "demo-keys"));
        Patient = keys.Load("patient-jones", "demo");
        Doctor = keys.Load("dr-rivera", "demo");
        Pharmacist = keys.Load("pharmacist-chen", "demo");
        ClinicAdmin = keys.Load("clinic-admin", "demo");
        BoardAdmin = keys.Load("board-admin", "demo");
        await WaitForKeysPublishedAsync();
    }

    private async Task WaitForKeysPublishedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Node.Store.Get($"records/key/{Patient.Account}") is null || Node.Store.Get($"records/key/{Pharmacist.Account}") is null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("demo keys were not published");
            await Task.Delay(50);
        }
    }

    public static string Observation(string code = "8867-4", int value = 72) => $$$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"{{{code}}}"}]},
         "subject":{"reference":"Patient/jones"},"effectiveDateTime":"2026-11-20","valueQuantity":{"value":{{{value}}},"unit":"/min"}}
        """;

    public async Task DisposeAsync()
    {
        foreach (var k in new[] { Patient, Doctor, Pharmacist, ClinicAdmin, BoardAdmin }) k?.Dispose();
        if (Node is not null) await Node.DisposeAsync();
    }
}
