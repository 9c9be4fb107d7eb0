using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CareLedger.Cli.Tests.Support;
using CareLedger.Client.Licensing;
using CareLedger.Client.Membership;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>
/// The operator provisions a practitioner's FHIR access on a running node (ADR 0006) with <c>careledger fhir access</c>:
/// the token works on /fhir once the practitioner is one of the node's organisation, reads exactly what the patient
/// granted (decrypted with the key the node now holds), and stops working when withdrawn.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed partial class FhirAccessTests(DemoNodeFixture node) : IDisposable
{
    private const string NodePassphrase = "test-node-passphrase"; // InProcessNode's
    private readonly TempFolder _files = new();

    public void Dispose() => _files.Dispose();

    [GeneratedRegex(@"clf_[A-Za-z0-9_-]{43}")]
    private static partial Regex TokenPattern();

    private string PassphraseFile(string passphrase)
    {
        var path = _files.File($"node-passphrase-{Guid.NewGuid():N}");
        File.WriteAllText(path, passphrase + "\n");
        return path;
    }

    private string[] Grant(string keystore, string key, string passphraseFile) =>
        ["fhir", "access", "grant", "--data", node.Node.DataDir, "--key", key, "--keystore", keystore, "--node-passphrase-file", passphraseFile];

    private async Task<HttpResponseMessage> GetAsync(string token, string path)
    {
        using var http = new HttpClient { BaseAddress = node.Node.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Grant_PractitionersOwnKey_TokenReadsWhatThePatientGrantedOnFhir_OnlyAsAMemberOfTheNodesOrganisation_UntilWithdrawn()
    {
        var keystore = _files.File("practitioner-keys");
        var name = "dr-" + Guid.NewGuid().ToString("N")[..8];
        var account = new KeyStore(keystore).Create(name, DemoNodeFixture.Passphrase).Account;
        var demo = new KeyStore(node.Keystore);
        using var patient = demo.Load("patient-jones", DemoNodeFixture.Passphrase);
        using var admin = demo.Load("clinic-admin", DemoNodeFixture.Passphrase);
        using var board = demo.Load("board-admin", DemoNodeFixture.Passphrase);

        var granted = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, Grant(keystore, name, PassphraseFile(NodePassphrase)));
        Assert.True(granted.ExitCode == 0, granted.ToString());
        var token = TokenPattern().Match(granted.Output).Value;
        Assert.NotEmpty(token);
        Assert.DoesNotContain(token, File.ReadAllText(Path.Combine(node.Node.DataDir, "custodial", "tokens.json"))); // only its hash is kept

        // Not yet one of the clinic's practitioners: the node will not act for the key.
        using (var early = await GetAsync(token, $"fhir/Observation?patient={patient.Account}")) Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);

        // The clinic registers them, the board licenses them; the patient writes an Observation and grants them Observations.
        var client = node.Node.Client;
        await new MembershipClient(client).RegisterAsync(admin, account, "practitioner");
        await new LicensingClient(client).IssueAsync(board, account, "general-practice", "EU-DEMO",
            DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeMilliseconds());
        using (var own = new KeyStore(keystore).Load(name, DemoNodeFixture.Passphrase)) await new RecordsClient(client).PublishKeyAsync(own);
        var marker = Guid.NewGuid().ToString("N");
        var observation = $$$"""{"resourceType":"Observation","status":"final","code":{"text":"{{{marker}}}"},"valueQuantity":{"value":72,"unit":"/min"}}""";
        var records = new RecordsClient(client);
        var added = await records.AddAsync(patient, patient.Account, observation);
        await records.GrantAsync(patient, account.ToString(), null, "treatment", [], ["Observation"], DateTimeOffset.UtcNow.AddDays(1));

        using (var read = await GetAsync(token, $"fhir/Observation/{added.Record}"))
        {
            var body = await read.Content.ReadAsStringAsync();
            Assert.True(read.StatusCode == HttpStatusCode.OK, body);
            Assert.Contains(marker, body); // decrypted with the practitioner's key the node now holds
        }
        var listed = await CliRunner.RunAsync(null, "fhir", "access", "list", "--data", node.Node.DataDir);
        Assert.Single(listed.LinesWith(name, account.ToString(), " 1 "));

        var withdrawn = await CliRunner.RunAsync(null, "fhir", "access", "withdraw", "--data", node.Node.DataDir, "--key", name, "--forget-key");
        Assert.True(withdrawn.ExitCode == 0, withdrawn.ToString());
        Assert.Contains("withdrew 1 token", withdrawn.Output);
        using (var after = await GetAsync(token, $"fhir/Observation/{added.Record}")) Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.DoesNotContain(name, (await CliRunner.RunAsync(null, "fhir", "access", "list", "--data", node.Node.DataDir)).Output);
    }

    [Fact]
    public async Task Grant_WithAWrongNodePassphrase_FailsInOneLineAndWritesNothing()
    {
        var keystore = _files.File("other-keys");
        var name = "dr-" + Guid.NewGuid().ToString("N")[..8];
        new KeyStore(keystore).Create(name, DemoNodeFixture.Passphrase);
        var tokens = Path.Combine(node.Node.DataDir, "custodial", "tokens.json");
        var before = File.Exists(tokens) ? File.ReadAllText(tokens) : null;

        var refused = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, Grant(keystore, name, PassphraseFile("not-the-node-passphrase")));

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"✗ the node passphrase does not open the node's keys in {node.Node.DataDir}; nothing was changed", Assert.Single(refused.ErrorLines));
        Assert.False(File.Exists(Path.Combine(node.Node.DataDir, "custodial", name + ".key.json")));
        Assert.Equal(before, File.Exists(tokens) ? File.ReadAllText(tokens) : null);
    }

    [Fact]
    public async Task Withdraw_AKeyTheNodeDoesNotHold_IsOneLineAndExitsNonZero()
    {
        var refused = await CliRunner.RunAsync(null, "fhir", "access", "withdraw", "--data", node.Node.DataDir, "--key", "nobody-here");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("holds no key named 'nobody-here'", Assert.Single(refused.ErrorLines));
    }
}
