using CareLedger.Vault.Records;
using System.Net;
using System.Security.Cryptography;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Vault.Crypto;

namespace CareLedger.Records.Tests;

/// <summary>Uploads that do not match what the ledger committed to are refused, and nothing is stored.</summary>
public class TamperTests(DemoPeople p) : IClassFixture<DemoPeople>
{
    private async Task<(string Id, byte[] Blob, WrappedKeySet Keys)> CommitRecordAsync()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var dataKey = RecordCipher.NewDataKey();
        var blob = RecordCipher.Encrypt("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}"""u8, dataKey, id, 1);
        var keys = new WrappedKeySet();
        keys.Add(p.Patient.Account.ToString(), KeyWrap.Wrap(dataKey, p.Patient.PublicKey, id));
        var sent = await p.Node.Client.SendAsync(p.Patient, "records", "add", new CborMap
        {
            ["record"] = id, ["patient"] = p.Patient.Account.ToString(), ["type"] = "Observation",
            ["contentHash"] = Hash256.Of(blob).ToString(), ["keysHash"] = keys.Hash().ToString(),
        });
        Assert.True(sent.Receipt?.Valid, sent.Receipt?.Reason);
        return (id, blob, keys);
    }

    private async Task<HttpResponseMessage> UploadAsync(string id, byte[] blob, WrappedKeySet keys)
    {
        using var request = await SignedHttp.Post(p.Patient, p.Node.Audience, $"/v1/records/{id}/versions/1/content",
            new RecordContentUpload(Convert.ToBase64String(blob), Convert.ToBase64String(keys.Encode())));
        return await p.Node.Client.Http.SendAsync(request);
    }

    [Fact]
    public async Task Upload_TamperedCiphertext_IsRefusedAndNothingStored()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        blob[15] ^= 1;
        using var response = await UploadAsync(id, blob, keys);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("content hash", await response.Content.ReadAsStringAsync());
        Assert.Null(p.Node.Vault.GetBlob(id, Hash256.Of(blob)));
        Assert.Null(p.Node.Vault.GetKey(id, p.Patient.Account));
    }

    [Fact]
    public async Task Upload_ForgedWrappedKey_IsRefusedAndNothingStored()
    {
        var (id, blob, _) = await CommitRecordAsync();
        var forged = new WrappedKeySet();
        forged.Add(p.Patient.Account.ToString(), KeyWrap.Wrap(RecordCipher.NewDataKey(), p.Patient.PublicKey, id));
        using var response = await UploadAsync(id, blob, forged);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("wrapped keys", await response.Content.ReadAsStringAsync());
        Assert.Null(p.Node.Vault.GetBlob(id, Hash256.Of(blob)));
    }

    [Fact]
    public async Task Upload_OfALaterVersionUnderTheAuthorsOwnKey_KeepsThePatientsKeyOfEarlierVersions()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(id, blob, keys)) Assert.True(ok.IsSuccessStatusCode);
        await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "treatment", [id], [], DateTimeOffset.UtcNow.AddDays(1));
        var patientsKey = p.Node.Vault.GetKey(id, p.Patient.Account);
        // The doctor writes version 2 under a data key of their own choosing and wraps it for the patient and themselves.
        var version2 = RecordSealing.SealUnderNewKey(id, 2, "Observation", """{"resourceType":"Observation","status":"final","code":{"text":"y"}}""",
            [(p.Patient.Account, p.Patient.PublicKey), (p.Doctor.Account, p.Doctor.PublicKey)]);
        var sent = await p.Node.Client.SendAsync(p.Doctor, "records", "update", new CborMap
        {
            ["record"] = id, ["contentHash"] = version2.ContentHash.ToString(), ["keysHash"] = version2.Keys.Hash().ToString(),
        });
        Assert.True(sent.Receipt?.Valid, sent.Receipt?.Reason);

        using var request = await SignedHttp.Post(p.Doctor, p.Node.Audience, $"/v1/records/{id}/versions/2/content",
            new RecordContentUpload(Convert.ToBase64String(version2.Ciphertext), Convert.ToBase64String(version2.Keys.Encode())));
        using var response = await p.Node.Client.Http.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(patientsKey, p.Node.Vault.GetKey(id, p.Patient.Account));
        Assert.Contains("\"x\"", (await p.Records.ReadAsync(p.Patient, id, version: 1)).Json);
        Assert.Contains("\"y\"", (await p.Records.ReadAsync(p.Patient, id, version: 2)).Json);
    }

    [Fact]
    public async Task Upload_OfGrantKeysForAKeyGenerationTheRecordDoesNotHave_IsRefusedAndNothingStored()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(id, blob, keys)) Assert.True(ok.IsSuccessStatusCode);
        var grantKeys = new WrappedKeySet();
        grantKeys.Add($"{id}/2/{p.Doctor.Account}", KeyWrap.Wrap(RecordCipher.NewDataKey(), p.Doctor.PublicKey, id));
        var grant = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var sent = await p.Node.Client.SendAsync(p.Patient, "records", "grant", new CborMap
        {
            ["grant"] = grant, ["grantee"] = p.Doctor.Account.ToString(), ["purpose"] = "treatment", ["records"] = new List<object> { id },
            ["types"] = new List<object>(), ["expiry"] = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds(), ["keysHash"] = grantKeys.Hash().ToString(),
        });
        Assert.True(sent.Receipt?.Valid, sent.Receipt?.Reason);

        using var request = await SignedHttp.Post(p.Patient, p.Node.Audience, $"/v1/records/grants/{grant}/keys",
            new GrantKeysUpload(p.Patient.Account.ToString(), Convert.ToBase64String(grantKeys.Encode())));
        using var response = await p.Node.Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("has no key generation 2", await response.Content.ReadAsStringAsync());
        Assert.Null(p.Node.Vault.GetKey(id, p.Doctor.Account, generation: 2));
    }

    [Fact]
    public async Task Upload_WithWrongContentHashOnLedger_NeverBecomesReadable()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using var response = await UploadAsync(id, [.. blob, 0], keys);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var read = await SignedHttp.Get(p.Patient, p.Node.Audience, $"/v1/records/{id}");
        using var readResponse = await p.Node.Client.Http.SendAsync(read);
        Assert.Equal(HttpStatusCode.Conflict, readResponse.StatusCode);
    }

    [Fact]
    public async Task SignedRequest_ReplayedToAnotherPath_IsRejected()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(id, blob, keys)) Assert.True(ok.IsSuccessStatusCode);
        using var signed = await SignedHttp.Get(p.Patient, p.Node.Audience, $"/v1/records/{id}");
        using var moved = new HttpRequestMessage(HttpMethod.Get, $"v1/records/{id}/history");
        moved.Headers.TryAddWithoutValidation("CareLedger-Signature", signed.Headers.GetValues("CareLedger-Signature"));
        using var response = await p.Node.Client.Http.SendAsync(moved);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task SignedRequest_ReplayedUnchanged_IsRejected()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(id, blob, keys)) Assert.True(ok.IsSuccessStatusCode);
        using var first = await SignedHttp.Get(p.Patient, p.Node.Audience, $"/v1/records/{id}");
        var header = first.Headers.GetValues("CareLedger-Signature").Single();
        using (var served = await p.Node.Client.Http.SendAsync(first)) Assert.True(served.IsSuccessStatusCode);

        using var replay = new HttpRequestMessage(HttpMethod.Get, $"v1/records/{id}");
        replay.Headers.TryAddWithoutValidation("CareLedger-Signature", header);
        using var response = await p.Node.Client.Http.SendAsync(replay);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("already used", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignedGet_WithABody_IsRefusedAndServesNothing()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(id, blob, keys)) Assert.True(ok.IsSuccessStatusCode);
        var path = $"/v1/records/{id}";
        var body = "x"u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Get, path.TrimStart('/')) { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation("CareLedger-Signature",
            RequestSignature.Sign(p.Patient, p.Node.Audience, "GET", path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), body));
        using var response = await p.Node.Client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("ciphertext", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BreakGlassReason_AddedToASignedRequest_IsRejected()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(id, blob, keys)) Assert.True(ok.IsSuccessStatusCode);
        using var signed = await SignedHttp.Get(p.Doctor, p.Node.Audience, $"/v1/records/{id}");
        using var forged = new HttpRequestMessage(HttpMethod.Get, $"v1/records/{id}?breakGlass=forged");
        forged.Headers.TryAddWithoutValidation("CareLedger-Signature", signed.Headers.GetValues("CareLedger-Signature"));
        using var response = await p.Node.Client.Http.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BreakGlassReason_LongerThanTheLimit_IsRefused()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(id, blob, keys)) Assert.True(ok.IsSuccessStatusCode);
        var error = await Assert.ThrowsAsync<Client.Api.NodeApiException>(() => p.Records.ReadAsync(p.Doctor, id, breakGlassReason: new string('x', 300)));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
    }

    [Fact]
    public async Task Erase_OfARecordClaimingAnotherRecordsCiphertext_LeavesTheOtherReadable()
    {
        var (victim, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(victim, blob, keys)) Assert.True(ok.IsSuccessStatusCode);

        // A second record whose add names the same content hash, then erased by its patient.
        var copycat = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var sent = await p.Node.Client.SendAsync(p.Patient, "records", "add", new CborMap
        {
            ["record"] = copycat, ["patient"] = p.Patient.Account.ToString(), ["type"] = "Observation",
            ["contentHash"] = Hash256.Of(blob).ToString(), ["keysHash"] = keys.Hash().ToString(),
        });
        Assert.True(sent.Receipt?.Valid, sent.Receipt?.Reason);
        await p.Records.EraseAsync(p.Patient, copycat);
        await Task.Delay(200);

        var (envelope, _) = await p.Records.ReadAsync(p.Patient, victim);
        Assert.Equal(Hash256.Of(blob).ToString(), envelope.ContentHash);
    }
}
