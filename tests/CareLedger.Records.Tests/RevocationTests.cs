using System.Net;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;

namespace CareLedger.Records.Tests;

/// <summary>
/// A revoke takes the grantee's wrapped keys away too, unless another grant in force still covers them, and the next version
/// is written under a new data key, so that a key the grantee kept opens nothing written after (ADR 0005, "Revocation").
/// </summary>
public sealed class RevocationTests(DemoPeople p) : IClassFixture<DemoPeople>
{
    [Fact]
    public async Task Revoke_DeletesTheGranteesWrappedKeys_ButKeepsThoseAnotherGrantStillCovers()
    {
        var onlyHere = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 61))).Record;
        var alsoElsewhere = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 62))).Record;
        var doctor = p.Doctor.Account.ToString();
        var revoked = await p.Records.GrantAsync(p.Patient, doctor, null, "treatment", [onlyHere, alsoElsewhere], [], DateTimeOffset.UtcNow.AddDays(1));
        await p.Records.GrantAsync(p.Patient, doctor, null, "treatment", [alsoElsewhere], [], DateTimeOffset.UtcNow.AddDays(1));
        await p.Records.ReadAsync(p.Doctor, onlyHere);
        var heldBefore = p.Node.Vault.GetKey(onlyHere, p.Doctor.Account) is not null;

        await p.Records.RevokeAsync(p.Patient, revoked);

        Assert.True(heldBefore);
        Assert.Null(p.Node.Vault.GetKey(onlyHere, p.Doctor.Account));
        Assert.NotNull(p.Node.Vault.GetKey(alsoElsewhere, p.Doctor.Account));
        Assert.NotNull(p.Node.Vault.GetKey(onlyHere, p.Patient.Account));
        Assert.Contains("\"value\":62", (await p.Records.ReadAsync(p.Doctor, alsoElsewhere)).Json);
        var refused = await Assert.ThrowsAsync<NodeApiException>(() => p.Records.ReadAsync(p.Doctor, onlyHere));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task RevokingAGrantToAnOrganisation_DeletesTheKeysItsPractitionersHeld()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 64))).Record;
        var grant = await p.Records.GrantAsync(p.Patient, null, "city-clinic", "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));
        var heldBefore = p.Node.Vault.GetKey(record, p.Doctor.Account) is not null;

        await p.Records.RevokeAsync(p.Patient, grant);

        Assert.True(heldBefore);
        Assert.Null(p.Node.Vault.GetKey(record, p.Doctor.Account));
        Assert.NotNull(p.Node.Vault.GetKey(record, p.Patient.Account));
    }

    [Fact]
    public async Task ForgettingTheKeysOfAGrantStillInForce_IsRefusedAndDeletesNothing()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 63))).Record;
        var grant = await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));

        using var response = await p.Node.Client.Http.SendAsync(await SignedHttp.Delete(p.Patient, p.Node.Audience, $"/v1/records/grants/{grant}/keys"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.NotNull(p.Node.Vault.GetKey(record, p.Doctor.Account));
    }

    [Fact]
    public async Task UpdateAfterARevoke_IsUnderANewKey_TheRevokedGranteesSavedKeysCannotOpen_WhileThePatientAndRemainingGranteeReadEveryVersion()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 64))).Record;
        var expiry = DateTimeOffset.UtcNow.AddDays(1);
        var revoked = await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "treatment", [record], [], expiry);
        await p.Records.GrantAsync(p.Patient, p.Pharmacist.Account.ToString(), null, "treatment", [record], [], expiry);
        await p.Records.UpdateAsync(p.Patient, record, DemoPeople.Observation(value: 65));
        // What a grantee can keep: the wrapped key the node served them, and the data key inside it.
        var (served, _) = await p.Records.ReadAsync(p.Doctor, record);
        var savedWrapped = Convert.FromBase64String(served.WrappedKey);
        var savedDataKey = KeyWrap.Unwrap(savedWrapped, p.Doctor, record);

        await p.Records.RevokeAsync(p.Patient, revoked);
        await p.Records.UpdateAsync(p.Patient, record, DemoPeople.Observation(value: 66));

        var afterRevoke = await CiphertextAsync(record, 3);
        Assert.Contains("\"value\":65", System.Text.Encoding.UTF8.GetString(RecordCipher.Decrypt(await CiphertextAsync(record, 2), savedDataKey, record, 2)));
        Assert.Throws<VaultCryptoException>(() => RecordCipher.Decrypt(afterRevoke, savedDataKey, record, 3));
        Assert.Throws<VaultCryptoException>(() => RecordCipher.Decrypt(afterRevoke, KeyWrap.Unwrap(savedWrapped, p.Doctor, record), record, 3));
        Assert.Null(p.Node.Vault.GetKey(record, p.Doctor.Account, generation: 3));
        var refused = await Assert.ThrowsAsync<NodeApiException>(() => p.Records.ReadAsync(p.Doctor, record));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        foreach (var reader in new[] { p.Patient, p.Pharmacist })
            for (var version = 1; version <= 3; version++)
                Assert.Contains($"\"value\":{63 + version}", (await p.Records.ReadAsync(reader, record, version)).Json);
        Assert.Equal(3, (await p.Records.ReadAsync(p.Patient, record)).Envelope.KeyGeneration);
    }

    [Fact]
    public async Task GranteesUpdateAfterAnotherGranteesRevoke_IsUnderANewKeyWrappedOnlyForTheReadersInForce()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 71))).Record;
        var expiry = DateTimeOffset.UtcNow.AddDays(1);
        await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "treatment", [record], [], expiry);
        var revoked = await p.Records.GrantAsync(p.Patient, p.Pharmacist.Account.ToString(), null, "treatment", [record], [], expiry);
        var savedDataKey = KeyWrap.Unwrap(Convert.FromBase64String((await p.Records.ReadAsync(p.Pharmacist, record)).Envelope.WrappedKey), p.Pharmacist, record);

        await p.Records.RevokeAsync(p.Patient, revoked);
        await p.Records.UpdateAsync(p.Doctor, record, DemoPeople.Observation(value: 72));

        var afterRevoke = await CiphertextAsync(record, 2);
        Assert.Throws<VaultCryptoException>(() => RecordCipher.Decrypt(afterRevoke, savedDataKey, record, 2));
        Assert.NotNull(p.Node.Vault.GetKey(record, p.Patient.Account, generation: 2));
        Assert.NotNull(p.Node.Vault.GetKey(record, p.Doctor.Account, generation: 2));
        Assert.Null(p.Node.Vault.GetKey(record, p.Pharmacist.Account, generation: 2));
        Assert.Contains("\"value\":72", (await p.Records.ReadAsync(p.Patient, record, 2)).Json);
        Assert.Contains("\"value\":71", (await p.Records.ReadAsync(p.Doctor, record, 1)).Json);
    }

    [Fact]
    public async Task GrantAfterANewKey_GivesTheGranteeTheKeyOfEveryGeneration()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 81))).Record;
        var revoked = await p.Records.GrantAsync(p.Patient, p.Pharmacist.Account.ToString(), null, "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));
        await p.Records.RevokeAsync(p.Patient, revoked);
        await p.Records.UpdateAsync(p.Patient, record, DemoPeople.Observation(value: 82));

        await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));

        Assert.Contains("\"value\":81", (await p.Records.ReadAsync(p.Doctor, record, 1)).Json);
        Assert.Contains("\"value\":82", (await p.Records.ReadAsync(p.Doctor, record, 2)).Json);
    }

    [Fact]
    public async Task NewKeyAfterARevoke_LeavesAnEmergencyCopyOnlyWhereTheOldKeyLeftOne_AndTheGlassStillBreaks()
    {
        var withCopy = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 85))).Record;
        var declined = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 86), emergencyAccess: false)).Record;
        var revoked = await p.Records.GrantAsync(p.Patient, p.Pharmacist.Account.ToString(), null, "treatment", [withCopy, declined], [], DateTimeOffset.UtcNow.AddDays(1));
        await p.Records.RevokeAsync(p.Patient, revoked);

        await p.Records.UpdateAsync(p.Patient, withCopy, DemoPeople.Observation(value: 87));
        await p.Records.UpdateAsync(p.Patient, declined, DemoPeople.Observation(value: 88));

        Assert.NotNull(p.Node.Vault.GetKey(withCopy, p.Node.Keys.Account, generation: 2));
        Assert.Null(p.Node.Vault.GetKey(declined, p.Node.Keys.Account, generation: 2));
        Assert.Contains("\"value\":87", (await p.Records.ReadAsync(p.Doctor, withCopy, breakGlassReason: "unconscious in the emergency room")).Json);
    }

    [Fact]
    public async Task UploadUnderTheOldKeyAfterARevoke_IsRefusedAndNothingStored()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 91))).Record;
        var revoked = await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));
        var (envelope, _) = await p.Records.ReadAsync(p.Patient, record);
        var oldKey = KeyWrap.Unwrap(Convert.FromBase64String(envelope.WrappedKey), p.Patient, record);
        await p.Records.RevokeAsync(p.Patient, revoked);

        var version2 = RecordSealing.SealUpdate(record, 2, "Observation", DemoPeople.Observation(value: 92), oldKey);
        using var response = await CommitAndUploadAsync(record, version2);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("New data key due", await response.Content.ReadAsStringAsync());
        Assert.Null(p.Node.Vault.GetBlob(record, version2.ContentHash));
    }

    [Fact]
    public async Task UploadOfANewKeyWrappedForTheRevokedGrantee_IsRefusedAndNothingStored()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 93))).Record;
        var revoked = await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));
        await p.Records.RevokeAsync(p.Patient, revoked);

        var version2 = RecordSealing.SealUnderNewKey(record, 2, "Observation", DemoPeople.Observation(value: 94),
            [(p.Patient.Account, p.Patient.PublicKey), (p.Doctor.Account, p.Doctor.PublicKey)]);
        using var response = await CommitAndUploadAsync(record, version2);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains($"No grant in force covers {p.Doctor.Account}", await response.Content.ReadAsStringAsync());
        Assert.Null(p.Node.Vault.GetBlob(record, version2.ContentHash));
        Assert.Null(p.Node.Vault.GetKey(record, p.Doctor.Account, generation: 2));
    }

    [Fact]
    public void SameKeyHash_IsTheHashOfTheEmptyWrappedKeySetAnUpdateUnderTheSameKeyCommits()
    {
        Assert.Equal(new WrappedKeySet().Hash().ToString(), Contracts.Records.RecordKeys.SameKey);
        Assert.Equal("c19a797fa1fd590cd2e5b42d1cf5f246e29b91684e2f87404b81dc345c7a56a0", Contracts.Records.RecordKeys.SameKey); // docs/protocol.md
    }

    /// <summary>Commits a version the patient sealed by hand and uploads it through the HTTP API, as any client could.</summary>
    private async Task<HttpResponseMessage> CommitAndUploadAsync(string record, SealedVersion version)
    {
        var sent = await p.Node.Client.SendAsync(p.Patient, "records", "update", new CborMap
        {
            ["record"] = record, ["contentHash"] = version.ContentHash.ToString(), ["keysHash"] = version.Keys.Hash().ToString(),
        });
        Assert.True(sent.Receipt?.Valid, sent.Receipt?.Reason);
        using var request = await SignedHttp.Post(p.Patient, p.Node.Audience, $"/v1/records/{record}/versions/{version.Version}/content",
            new RecordContentUpload(Convert.ToBase64String(version.Ciphertext), Convert.ToBase64String(version.Keys.Encode())));
        return await p.Node.Client.Http.SendAsync(request);
    }

    /// <summary>A version's ciphertext as it lies in the node's vault: what a revoked grantee could get from a copy of it.</summary>
    private async Task<byte[]> CiphertextAsync(string record, long version) =>
        p.Node.Vault.GetBlob(record, Hash256.Parse((await p.Records.HistoryAsync(p.Patient, record)).Versions.Single(v => v.Version == version).ContentHash))!;
}
