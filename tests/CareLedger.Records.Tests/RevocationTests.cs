using System.Net;
using CareLedger.Client.Api;
using CareLedger.Client.Records;

namespace CareLedger.Records.Tests;

/// <summary>A revoke takes the grantee's wrapped keys away too, unless another grant in force still covers them.</summary>
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
}
