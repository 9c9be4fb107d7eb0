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
/// each node's vault folder and through each node's API. The nodes stay up: these tests share one consortium
/// (<see cref="RecordCatchUpTests"/> takes a node down in its own).
/// </summary>
public sealed class RecordReplicationTests(SharedConsortium shared, ITestOutputHelper output) : SharedConsortiumTest(shared, output)
{
    private const string Observation = ConsortiumRecords.Observation;

    [Fact]
    public async Task RecordWrittenAtTheClinicsNode_IsReadAtTheLabsNode_CopiedToThePharmacysInTheBackground_ThenErasedFromEveryNode()
    {
        var (patient, doctor) = await Cluster.DemoPeopleAsync();
        var atClinic = new RecordsClient(Cluster.Nodes[0].Client);
        var added = await atClinic.AddAsync(patient, patient.Account, Observation);
        var grant = await atClinic.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        // Read at once: the grant is acknowledged once the clinic's node has it, and the lab's node, maybe a block behind,
        // applies what the consortium's log holds before it decides (LogCatchUp).
        var (envelope, json) = await new RecordsClient(Cluster.Nodes[2].Client).ReadAsync(doctor, added.Record);
        Assert.Equal(added.ContentHash, Hash256.Of(Convert.FromBase64String(envelope.Ciphertext)).ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(json)), json);
        Log($"read at node 2: {json.Length} characters");

        // Node 1 is never asked to read: the copy comes in the background, the doctor's key with the grant's.
        await Cluster.WaitUntilAsync(() => Task.FromResult(File.Exists(Cluster.Vault(1).BlobPath(added.Record, added.ContentHash)) && File.Exists(Cluster.Vault(1).KeyPath(added.Record, doctor.Account))),
            Patience, "node 1 to copy the record and the doctor's key in the background");
        var (_, atPharmacy) = await new RecordsClient(Cluster.Nodes[1].Client).ReadAsync(doctor, added.Record);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(atPharmacy)));

        // Copies are for the consortium's nodes: a node gets them, a member does not.
        using (var asNode = await VaultGetAsync(signer: 1, node: 0, $"/v1/vault/records/{added.Record}/versions/1", Cluster.NodeKey(1)))
        {
            Assert.Equal(HttpStatusCode.OK, asNode.StatusCode);
            var copy = await asNode.Content.ReadFromJsonAsync<RecordContentUpload>();
            Assert.Equal(envelope.Ciphertext, copy!.Ciphertext);
        }
        using (var asPatient = await VaultGetAsync(signer: -1, node: 0, $"/v1/vault/records/{added.Record}/versions/1", patient))
            Assert.Equal(HttpStatusCode.Forbidden, asPatient.StatusCode);

        await atClinic.EraseAsync(patient, added.Record);

        await Cluster.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, Cluster.Size).All(i => Cluster.Vault(i).HeldOf(added.Record, grant).Count == 0)),
            Patience, "every node to shred the record");
        for (var i = 0; i < Cluster.Size; i++)
        {
            foreach (var reader in new[] { patient, doctor })
            {
                var refused = await Assert.ThrowsAsync<NodeApiException>(() => new RecordsClient(Cluster.Nodes[i].Client).ReadAsync(reader, added.Record));
                Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
                Assert.Contains("erased", refused.Detail);
            }
            using var copy = await VaultGetAsync(signer: (i + 1) % Cluster.Size, node: i, $"/v1/vault/records/{added.Record}/versions/1", Cluster.NodeKey((i + 1) % Cluster.Size));
            Assert.Equal(HttpStatusCode.Gone, copy.StatusCode);
            Assert.Empty(Cluster.Vault(i).HeldOf(added.Record, grant));
        }
    }

    [Fact]
    public async Task FhirRead_AtTheClinicsNode_OfARecordJustWrittenAtThePharmacysNode_IsDecryptedFromACopyFetchedOnDemand()
    {
        var (patient, doctor) = await Cluster.DemoPeopleAsync();
        var atPharmacy = new RecordsClient(Cluster.Nodes[1].Client);
        var added = await atPharmacy.AddAsync(patient, patient.Account, Observation);
        await atPharmacy.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        // The clinic's node holds Dr. Rivera's custodial key (the demo's FHIR token): a stock FHIR client reads there at once.
        var token = (await File.ReadAllTextAsync(Path.Combine(Cluster.Nodes[0].DataDir, DemoFhirAccess.TokenFileName))).Trim();

        using var http = new HttpClient { BaseAddress = Cluster.Nodes[0].BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"fhir/Observation/{added.Record}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var read = await http.SendAsync(request);

        var body = await read.Content.ReadAsStringAsync();
        Assert.True(read.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(71, JsonNode.Parse(body)!["valueQuantity"]!["value"]!.GetValue<int>());
        Assert.True(File.Exists(Cluster.Vault(0).BlobPath(added.Record, added.ContentHash)), "the clinic's node keeps the copy it fetched");
    }

    [Fact]
    public async Task RevokedGrantee_GetsNoKeyFromAnyNode_NoNodeKeepsTheirs_AndThePatientStillReadsEverywhere()
    {
        var (patient, doctor) = await Cluster.DemoPeopleAsync();
        var atClinic = new RecordsClient(Cluster.Nodes[0].Client);
        var added = await atClinic.AddAsync(patient, patient.Account, Observation);
        var grant = await atClinic.GrantAsync(patient, doctor.Account.ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));
        await Cluster.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, Cluster.Size).All(i => File.Exists(Cluster.Vault(i).KeyPath(added.Record, doctor.Account)))),
            Patience, "every node to hold the doctor's key");

        await atClinic.RevokeAsync(patient, grant);

        await Cluster.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, Cluster.Size).All(i =>
                !File.Exists(Cluster.Vault(i).KeyPath(added.Record, doctor.Account)) && !File.Exists(Cluster.Vault(i).GrantKeySetPath(patient.Account, grant)))),
            Patience, "every node to forget the doctor's key and the grant's key set");
        for (var i = 0; i < Cluster.Size; i++)
        {
            var refused = await Assert.ThrowsAsync<NodeApiException>(() => new RecordsClient(Cluster.Nodes[i].Client).ReadAsync(doctor, added.Record));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            using var copy = await VaultGetAsync(signer: (i + 1) % Cluster.Size, node: i, $"/v1/vault/grants/{patient.Account}/{grant}/keys", Cluster.NodeKey((i + 1) % Cluster.Size));
            Assert.Equal(HttpStatusCode.Gone, copy.StatusCode);
            var (_, json) = await new RecordsClient(Cluster.Nodes[i].Client).ReadAsync(patient, added.Record);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(json)));
            Assert.False(File.Exists(Cluster.Vault(i).KeyPath(added.Record, doctor.Account)));
        }
    }

    [Fact]
    public async Task DamagedCopy_InTheLabsVault_IsReplacedByAPeersCopy_AndTheReadAtTheLabsNodeSucceeds()
    {
        var (patient, _) = await Cluster.DemoPeopleAsync();
        var added = await new RecordsClient(Cluster.Nodes[0].Client).AddAsync(patient, patient.Account, Observation);
        var blob = Cluster.Vault(2).BlobPath(added.Record, added.ContentHash);
        await Cluster.WaitUntilAsync(() => Task.FromResult(File.Exists(blob)), Patience, "node 2 to copy the record in the background");
        var bytes = await File.ReadAllBytesAsync(blob);
        bytes[^1] ^= 1;
        await File.WriteAllBytesAsync(blob, bytes);

        var (envelope, json) = await new RecordsClient(Cluster.Nodes[2].Client).ReadAsync(patient, added.Record);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Observation), JsonNode.Parse(json)), json);
        Assert.Equal(added.ContentHash, Hash256.Of(Convert.FromBase64String(envelope.Ciphertext)).ToString());
        Assert.Equal(added.ContentHash, Hash256.Of(await File.ReadAllBytesAsync(blob)).ToString());
        Assert.Contains($"Record {added.Record}: the damaged copy", Cluster.Nodes[2].Output);
    }

    /// <summary>A GET to node <paramref name="node"/>'s vault copies, signed by <paramref name="key"/> for that node.</summary>
    private async Task<HttpResponseMessage> VaultGetAsync(int signer, int node, string path, SigningKey key)
    {
        Log($"GET {path} at node {node} signed by {(signer < 0 ? "a member" : $"node {signer}")}");
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/'));
        request.Headers.TryAddWithoutValidation(RequestSignature.Header,
            RequestSignature.Sign(key, Cluster.Audience(node), "GET", path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), []));
        return await Cluster.Http(node).SendAsync(request);
    }
}
