using System.Text.Json.Nodes;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;
using static CareLedger.Cli.Tests.Support.RecordSteps;

namespace CareLedger.Cli.Tests;

[Collection(DemoNodeCollection.Name)]
public sealed class ConsentTests(DemoNodeFixture node) : IDisposable
{
    private readonly TempFolder _files = new();

    private async Task<string> GrantDoctorAsync(string record)
    {
        var granted = await node.RunWithKeysAsync("consent", "grant", "--to", Doctor, "--purpose", "treatment", "--record", record, "--until", "30d", "--key", Patient);
        Assert.True(granted.ExitCode == 0, granted.ToString());
        return granted.Id("Grant");
    }

    [Fact]
    public async Task DoctorsRead_IsRefusedUntilGranted_AndAgainOnceRevoked()
    {
        var (file, record) = await node.AddObservationAsync(_files, value: 80);
        var copy = _files.File("doctor.json");

        var before = await node.RunWithKeysAsync("record", "get", record, "--out", copy, "--key", Doctor);
        var grant = await GrantDoctorAsync(record);
        var granted = await node.RunWithKeysAsync("record", "get", record, "--out", copy, "--key", Doctor);
        var listed = await node.RunWithKeysAsync("consent", "list", "--patient", Patient);
        var revoked = await node.RunWithKeysAsync("consent", "revoke", grant, "--key", Patient);
        var after = await node.RunWithKeysAsync("record", "get", record, "--key", Doctor);
        var relisted = await node.RunWithKeysAsync("consent", "list", "--key", Patient);

        Assert.Equal(1, before.ExitCode);
        Assert.Equal("✗ access refused: no grant from the patient covers this record", Assert.Single(before.ErrorLines));
        Assert.True(granted.ExitCode == 0, granted.ToString());
        Assert.Single(granted.LinesWith("Purpose", "treatment"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(file)), JsonNode.Parse(File.ReadAllText(copy))));
        Assert.Single(listed.LinesWith(grant, Doctor, "treatment", $"record {record[..16]}…", "active"));
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Contains("ConsentRevoked", revoked.Output);
        Assert.Equal(1, after.ExitCode);
        Assert.Equal($"✗ access refused: grant {grant} was revoked", Assert.Single(after.ErrorLines));
        Assert.Single(relisted.LinesWith(grant, "revoked"));
    }

    [Fact]
    public async Task AccessLog_DoctorsRefusedAndGrantedReads_AreListedWithReceiptsThatVerify()
    {
        var (_, record) = await node.AddObservationAsync(_files, value: 81);
        await node.RunWithKeysAsync("record", "get", record, "--key", Doctor);
        await GrantDoctorAsync(record);
        await node.RunWithKeysAsync("record", "get", record, "--key", Doctor);
        var doctor = node.Account(Doctor).ToString();
        var log = await node.AccessLogOnceAsync(l => l.Has(record, doctor, "denied") && l.Has(record, doctor, "granted"));
        var proofs = _files.File("proofs");

        var table = await node.RunWithKeysAsync("access-log", "--key", Patient, "--proofs", proofs);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Single(table.LinesWith(record, "Observation", Doctor, "denied", "no grant from the patient covers this record"));
        Assert.Single(table.LinesWith(record, "Observation", Doctor, "treatment", "granted"));
        var txs = log.Where(e => (string?)e["record"] == record && (string?)e["reader"] == doctor).Select(e => (string)e["tx"]!).Distinct().ToList();
        foreach (var tx in txs)
        {
            var verified = await CliRunner.RunAsync(null, "proof", "verify", Path.Combine(proofs, $"{tx}.json"), "--genesis", node.GenesisFile);
            Assert.True(verified.ExitCode == 0, verified.ToString());
            Assert.Contains("records.log-access", verified.Output);
        }
    }

    [Fact]
    public async Task BreakGlass_ByLicensedDoctor_ReadsAndIsMarkedInTheAccessLog()
    {
        var (file, record) = await node.AddObservationAsync(_files, value: 150);
        var copy = _files.File("emergency.json");

        var read = await node.RunWithKeysAsync("record", "get", record, "--break-glass", "unconscious in the emergency room", "--out", copy, "--key", Doctor);
        var doctor = node.Account(Doctor).ToString();
        await node.AccessLogOnceAsync(l => l.Has(record, doctor, "granted", breakGlass: true));
        var table = await node.RunWithKeysAsync("access-log", "--key", Patient);

        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Single(read.LinesWith("Purpose", "emergency"));
        Assert.Single(read.LinesWith("Break-glass", "yes"));
        Assert.Contains("break-glass read", Assert.Single(read.ErrorLines));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(file)), JsonNode.Parse(File.ReadAllText(copy))));
        Assert.Single(table.LinesWith(record, Doctor, "emergency", "granted (BREAK-GLASS)", "unconscious in the emergency room"));
    }

    [Fact]
    public async Task ConsentGrant_ToSomeoneWithoutPublishedKey_FailsUntilTheyPublishOne()
    {
        var (_, record) = await node.AddObservationAsync(_files, value: 60);
        var newcomer = await NewPractitionerAsync();

        var early = await node.RunWithKeysAsync("consent", "grant", "--to", newcomer, "--purpose", "second-opinion", "--record", record, "--until", "2099-01-01", "--key", Patient);
        var published = await CliRunner.RunAsync("a passphrase", "record", "publish-key", "--key", newcomer, "--keystore", node.Keystore, "--node", node.Node.BaseAddress.ToString());
        var granted = await node.RunWithKeysAsync("consent", "grant", "--to", newcomer, "--purpose", "second-opinion", "--record", record, "--until", "2099-01-01", "--key", Patient);
        var read = await CliRunner.RunAsync("a passphrase", "record", "get", record, "--key", newcomer, "--keystore", node.Keystore, "--node", node.Node.BaseAddress.ToString());

        Assert.Equal(1, early.ExitCode);
        Assert.Contains("has not published a key", Assert.Single(early.ErrorLines));
        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.Contains("records.publish-key committed", published.Output);
        Assert.True(granted.ExitCode == 0, granted.ToString());
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.Equal(60, JsonNode.Parse(read.Output)!["valueQuantity"]!["value"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("--purpose", "treatment", "--until", "30d", "say whom the grant is for")]
    [InlineData("--to", Doctor, "--purpose", "curiosity", "--until", "30d", "unknown purpose 'curiosity'")]
    [InlineData("--to", Doctor, "--purpose", "treatment", "--until", "someday", "--until: 'someday' is neither a date")]
    [InlineData("--to", Doctor, "--purpose", "treatment", "--until", "2001-01-01", "has already passed")]
    public async Task ConsentGrant_BadOptions_FailWithOneLineBeforeSigning(params string[] argsThenMessage)
    {
        var result = await node.RunWithKeysAsync(["consent", "grant", .. argsThenMessage[..^1], "--type", "Observation", "--key", Patient]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(argsThenMessage[^1], Assert.Single(result.ErrorLines));
    }

    private async Task<string> NewPractitionerAsync()
    {
        var name = "dr-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await CliRunner.RunAsync("a passphrase", "keys", "new", name, "--keystore", node.Keystore)).ExitCode);
        var registered = await node.RunWithKeysAsync("member", "add", name, "--role", "practitioner", "--name", "Dr. New", "--key", "clinic-admin");
        Assert.True(registered.ExitCode == 0, registered.ToString());
        // Reading under a grant takes a valid licence, as it does for every practitioner.
        var licensed = await node.RunWithKeysAsync("licence", "issue", name, "--specialty", "cardiology", "--jurisdiction", "EU-DEMO", "--valid-until", "2099-12-31",
            "--key", "board-admin");
        Assert.True(licensed.ExitCode == 0, licensed.ToString());
        return name;
    }

    public void Dispose() => _files.Dispose();
}
