using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Contracts.Records;
using CareLedger.Node.Demo;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;
using CareLedger.Vault.Records;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// Records at every organisation (ADR 0022): a record written at the clinic's node (node 0) is read at another
/// organisation's node, copied to the third in the background, and erasure and revocation reach every copy — checked on
/// each node's vault folder and through each node's API.
/// </summary>
public sealed class RecordReplicationTests(ITestOutputHelper output) : ConsortiumTest(output)
{
    private const string Observation = """
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/jones"},"effectiveDateTime":"2026-12-06","valueQuantity":{"value":71,"unit":"/min"}}
        """;

    [Fact]
    public async Task RecordWrittenAtTheClinicsNode_IsReadAtTheLabsNode_CopiedToThePharmacysInTheBackground_ThenErasedFromEveryNode()
    {
        var (patient, doctor) = await PeopleAsync();
        var atClinic = new RecordsClient(Cluster.Nodes[0].Client);
        var added = await atClinic.AddAsync(patient, patient.Account, Observation);
        var grant = await atClinic.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));

        var (envelope, json) = await new RecordsClient(Cluster.Nodes[2].Client).ReadAsync(doctor, added.Record);
        Assert.Equal(added.ContentHash, Hash256.Of(Convert.FromBase64String(envelope.Ciphertext)).ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(json)), json);
        Log($"read at node 2: {json.Length} characters");

        // Node 1 is never asked to read: the copy comes in the background, the doctor's key with the grant's.
        await Cluster.WaitUntilAsync(() => Task.FromResult(File.Exists(BlobPath(1, added.Record, added.ContentHash)) && File.Exists(KeyPath(1, added.Record, doctor.Account))),
            Patience, "node 1 to copy the record and the doctor's key in the background");
        var (_, atPharmacy) = await new RecordsClient(Cluster.Nodes[1].Client).ReadAsync(doctor, added.Record);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(atPharmacy)));

        // Copies are for the consortium's nodes: a node gets them, a member does not.
        using (var asNode = await VaultGetAsync(signer: 1, node: 0, $"/v1/vault/records/{added.Record}/versions/1", NodeKey(1)))
        {
            Assert.Equal(HttpStatusCode.OK, asNode.StatusCode);
            var copy = await asNode.Content.ReadFromJsonAsync<RecordContentUpload>();
            Assert.Equal(envelope.Ciphertext, copy!.Ciphertext);
        }
        using (var asPatient = await VaultGetAsync(signer: -1, node: 0, $"/v1/vault/records/{added.Record}/versions/1", patient))
            Assert.Equal(HttpStatusCode.Forbidden, asPatient.StatusCode);

        await atClinic.EraseAsync(patient, added.Record);

        await Cluster.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, Cluster.Size).All(i => HeldOf(i, added.Record, grant).Count == 0)),
            Patience, "every node to shred the record");
        for (var i = 0; i < Cluster.Size; i++)
        {
            foreach (var reader in new[] { patient, doctor })
            {
                var refused = await Assert.ThrowsAsync<NodeApiException>(() => new RecordsClient(Cluster.Nodes[i].Client).ReadAsync(reader, added.Record));
                Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
                Assert.Contains("erased", refused.Detail);
            }
            using var copy = await VaultGetAsync(signer: (i + 1) % Cluster.Size, node: i, $"/v1/vault/records/{added.Record}/versions/1", NodeKey((i + 1) % Cluster.Size));
            Assert.Equal(HttpStatusCode.Gone, copy.StatusCode);
            Assert.Empty(HeldOf(i, added.Record, grant));
        }
    }

    [Fact]
    public async Task FhirRead_AtTheClinicsNode_OfARecordJustWrittenAtThePharmacysNode_IsDecryptedFromACopyFetchedOnDemand()
    {
        var (patient, doctor) = await PeopleAsync();
        var atPharmacy = new RecordsClient(Cluster.Nodes[1].Client);
        var added = await atPharmacy.AddAsync(patient, patient.Account, Observation);
        await atPharmacy.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        // The clinic's node holds Dr. Rivera's custodial key (the demo's FHIR token): a stock FHIR client reads there at once.
        var token = (await File.ReadAllTextAsync(Path.Combine(Cluster.Nodes[0].DataDir, DemoFhirAccess.TokenFileName))).Trim();
        var height = (await Cluster.Nodes[1].Client.GetChainAsync()).Height;
        await Cluster.WaitForHeightAsync(0, height, Patience);

        using var http = new HttpClient { BaseAddress = Cluster.Nodes[0].BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/Observation/{added.Record}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var read = await http.SendAsync(request);

        var body = await read.Content.ReadAsStringAsync();
        Assert.True(read.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(71, JsonNode.Parse(body)!["valueQuantity"]!["value"]!.GetValue<int>());
        Assert.True(File.Exists(BlobPath(0, added.Record, added.ContentHash)), "the clinic's node keeps the copy it fetched");
    }

    [Fact]
    public async Task RevokedGrantee_GetsNoKeyFromAnyNode_NoNodeKeepsTheirs_AndThePatientStillReadsEverywhere()
    {
        var (patient, doctor) = await PeopleAsync();
        var atClinic = new RecordsClient(Cluster.Nodes[0].Client);
        var added = await atClinic.AddAsync(patient, patient.Account, Observation);
        var grant = await atClinic.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        await Cluster.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, Cluster.Size).All(i => File.Exists(KeyPath(i, added.Record, doctor.Account)))),
            Patience, "every node to hold the doctor's key");

        await atClinic.RevokeAsync(patient, grant);

        await Cluster.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, Cluster.Size).All(i =>
                !File.Exists(KeyPath(i, added.Record, doctor.Account)) && !File.Exists(GrantKeySetPath(i, patient.Account, grant)))),
            Patience, "every node to forget the doctor's key and the grant's key set");
        for (var i = 0; i < Cluster.Size; i++)
        {
            var refused = await Assert.ThrowsAsync<NodeApiException>(() => new RecordsClient(Cluster.Nodes[i].Client).ReadAsync(doctor, added.Record));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            using var copy = await VaultGetAsync(signer: (i + 1) % Cluster.Size, node: i, $"/v1/vault/grants/{patient.Account}/{grant}/keys", NodeKey((i + 1) % Cluster.Size));
            Assert.Equal(HttpStatusCode.Gone, copy.StatusCode);
            var (_, json) = await new RecordsClient(Cluster.Nodes[i].Client).ReadAsync(patient, added.Record);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(json)));
            Assert.False(File.Exists(KeyPath(i, added.Record, doctor.Account)));
        }
    }

    [Fact]
    public async Task NodeThatWasDown_CopiesWhatWasWrittenMeanwhile_AndShredsWhatWasErasedMeanwhile()
    {
        var (patient, doctor) = await PeopleAsync();
        var atClinic = new RecordsClient(Cluster.Nodes[0].Client);
        var erased = await atClinic.AddAsync(patient, patient.Account, Observation);
        await Cluster.WaitUntilAsync(() => Task.FromResult(File.Exists(BlobPath(2, erased.Record, erased.ContentHash))), Patience, "node 2 to copy the first record");

        Cluster.Nodes[2].Kill();
        var written = await atClinic.AddAsync(patient, patient.Account, Observation);
        var grant = await atClinic.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [written.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        await atClinic.EraseAsync(patient, erased.Record);
        await Cluster.StartNodeAsync(2);

        await Cluster.WaitUntilAsync(() => Task.FromResult(File.Exists(BlobPath(2, written.Record, written.ContentHash)) && File.Exists(KeyPath(2, written.Record, doctor.Account))),
            Patience, "node 2 to copy, once back, what was written while it was down");
        Assert.Empty(HeldOf(2, erased.Record, grant: "none"));
        var (_, json) = await new RecordsClient(Cluster.Nodes[2].Client).ReadAsync(doctor, written.Record);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(json)));
    }

    /// <summary>The demo patient and doctor, once the demo seed published their keys and the clinic's node published its own (it holds the emergency copy).</summary>
    private async Task<(SigningKey Patient, SigningKey Doctor)> PeopleAsync()
    {
        var patient = Cluster.Key("patient-jones");
        var doctor = Cluster.Key("dr-rivera");
        var client = Cluster.Nodes[0].Client;
        await Cluster.WaitUntilAsync(async () =>
                await client.GetStateAsync(PublishedKey.Key(patient.Account)) is not null && await client.GetStateAsync(PublishedKey.Key(doctor.Account)) is not null
                && await client.GetStateAsync(PublishedKey.Key(AccountId.Parse(Cluster.ValidatorOf[0]))) is not null,
            TimeSpan.FromSeconds(60), "the demo's keys to be published");
        return (patient, doctor);
    }

    private SigningKey NodeKey(int i) => new KeyStore(Path.Combine(Cluster.Nodes[i].DataDir, "node")).Load("validator", ConsortiumCluster.NodePassphrase);

    /// <summary>A GET to node <paramref name="node"/>'s vault copies, signed by <paramref name="key"/> for that node.</summary>
    private async Task<HttpResponseMessage> VaultGetAsync(int signer, int node, string path, SigningKey key)
    {
        Log($"GET {path} at node {node} signed by {(signer < 0 ? "a member" : $"node {signer}")}");
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.TryAddWithoutValidation(RequestSignature.Header,
            RequestSignature.Sign(key, Cluster.Audience(node), "GET", path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), []));
        return await Cluster.Http(node).SendAsync(request);
    }

    private string Vault(int i) => Path.Combine(Cluster.Nodes[i].DataDir, "vault");

    private string BlobPath(int i, string record, string contentHash) => Path.Combine(Vault(i), "blobs", record, contentHash);

    private string KeyPath(int i, string record, AccountId reader) => Path.Combine(Vault(i), "keys", record, reader.ToString());

    private string GrantKeySetPath(int i, AccountId patient, string grant) => Path.Combine(Vault(i), "grantkeysets", patient.ToString(), grant);

    /// <summary>Every file node <paramref name="i"/>'s vault holds about the record: ciphertexts, wrapped keys, key sets, notes, and the grant's key set.</summary>
    private List<string> HeldOf(int i, string record, string grant)
    {
        var held = new[] { "blobs", "keys", "keysets", "notes" }.Select(f => Path.Combine(Vault(i), f, record)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)).ToList();
        held.AddRange(Directory.EnumerateFiles(Path.Combine(Vault(i), "grantkeysets"), grant, SearchOption.AllDirectories));
        return held;
    }
}
