using System.Net;
using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Fhir.Smart;
using CareLedger.Testing;

using static CareLedger.Fhir.Tests.SmartApp;

namespace CareLedger.Fhir.Tests;

/// <summary>
/// Refresh tokens survive the node process (ADR 0025): kept as hashes in the data folder, they work after the node is killed
/// and started again, while access tokens (in memory) do not; a spent one is still recognised, and revokes its family, after
/// the restart.
/// </summary>
public sealed class SmartRefreshRestartTests
{
    private const string Offline = "launch/patient offline_access patient/Observation.rs";

    [Fact]
    public async Task RefreshToken_AfterTheNodeIsKilledAndStarted_StillRefreshes_AndItsSpentPredecessorStillRevokesTheFamily()
    {
        using var dir = new TempFolder();
        using var node = new NodeProcess(dir.Path);
        await node.StartAsync();
        using var patient = new KeyStore(Path.Combine(dir.Path, "demo-keys")).Load("patient-jones", "demo");
        await new RecordsClient(node.Client).AddAsync(patient, patient.Account,
            $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/{{{patient.Account}}}"},"valueQuantity":{"value":61,"unit":"/min"}}""");
        var smartNode = new SmartNode(node.BaseAddress, node.Client, dir.Path, patient);
        var app = await SmartApp.RegisterAsync(smartNode, "Survives Restarts");
        var first = await app.TokenAnswerAsync(Offline);
        var (_, second) = await app.RefreshAsync(Refresh(first));
        var kept = await File.ReadAllTextAsync(Path.Combine(dir.Path, "custodial", SmartRefreshTokens.FileName));

        node.Kill();
        await node.StartAsync();

        var oldAccess = await SmartApp.ReadAsync(smartNode, Access(second), $"Observation?patient={patient.Account}");
        Assert.Equal(HttpStatusCode.Unauthorized, oldAccess.Status);
        var (refreshed, third) = await app.RefreshAsync(Refresh(second));
        Assert.True(refreshed == HttpStatusCode.OK, third.ToJsonString());
        var (read, bundle) = await SmartApp.ReadAsync(smartNode, Access(third), $"Observation?patient={patient.Account}");
        Assert.True(read == HttpStatusCode.OK, bundle);
        Assert.Contains("8867-4", bundle);

        var (reused, refusal) = await app.RefreshAsync(Refresh(first));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (reused, refusal["error"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SmartApp.ReadAsync(smartNode, Access(third), $"Observation?patient={patient.Account}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.RefreshAsync(Refresh(third))).Status);
        foreach (var secret in new[] { Refresh(first), Refresh(second), Access(first), Access(second) }) Assert.DoesNotContain(secret, kept);
        Assert.Contains(StoredHash(Refresh(second)), kept);
    }
}
