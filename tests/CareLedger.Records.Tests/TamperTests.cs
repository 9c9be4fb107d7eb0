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
        using var request = SignedHttp.Post(p.Patient, $"/v1/records/{id}/versions/1/content",
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
        Assert.Null(p.Node.Node.Vault.GetBlob(Hash256.Of(blob)));
        Assert.Null(p.Node.Node.Vault.GetKey(id, p.Patient.Account));
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
        Assert.Null(p.Node.Node.Vault.GetBlob(Hash256.Of(blob)));
    }

    [Fact]
    public async Task Upload_WithWrongContentHashOnLedger_NeverBecomesReadable()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using var response = await UploadAsync(id, [.. blob, 0], keys);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var read = SignedHttp.Get(p.Patient, $"/v1/records/{id}");
        using var readResponse = await p.Node.Client.Http.SendAsync(read);
        Assert.Equal(HttpStatusCode.Conflict, readResponse.StatusCode);
    }

    [Fact]
    public async Task SignedRequest_ReplayedToAnotherPath_IsRejected()
    {
        var (id, blob, keys) = await CommitRecordAsync();
        using (var ok = await UploadAsync(id, blob, keys)) Assert.True(ok.IsSuccessStatusCode);
        using var signed = SignedHttp.Get(p.Patient, $"/v1/records/{id}");
        using var moved = new HttpRequestMessage(HttpMethod.Get, $"v1/records/{id}/history");
        moved.Headers.TryAddWithoutValidation("CareLedger-Signature", signed.Headers.GetValues("CareLedger-Signature"));
        using var response = await p.Node.Client.Http.SendAsync(moved);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
