using System.Net;
using CareLedger.Client.Api;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Wire;

namespace CareLedger.Records.Tests;

/// <summary>A grant speaks only for someone still in good standing: a current member with, for clinical staff, a licence valid now.</summary>
public sealed class StandingTests(DemoPeople p) : IClassFixture<DemoPeople>
{
    [Fact]
    public async Task Read_ByPractitionerWhoseLicenceWasRevoked_IsRefusedDespiteTheGrant()
    {
        using var doctor = await NewLicensedPractitionerAsync();
        var record = await GrantedRecordAsync(doctor);
        await p.Records.ReadAsync(doctor, record);

        Valid(await p.Node.Client.SendAsync(p.BoardAdmin, "licensing", "revoke", new CborMap { ["practitioner"] = doctor.Account.ToString(), ["reason"] = "struck off" }));

        var refused = await Assert.ThrowsAsync<NodeApiException>(() => p.Records.ReadAsync(doctor, record));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("licence", refused.Detail);
    }

    [Fact]
    public async Task Read_ByPractitionerRemovedFromTheirOrganisation_IsRefusedDespiteTheGrant()
    {
        using var doctor = await NewLicensedPractitionerAsync();
        var record = await GrantedRecordAsync(doctor);
        await p.Records.ReadAsync(doctor, record);

        Valid(await p.Node.Client.SendAsync(p.ClinicAdmin, "membership", "remove", new CborMap { ["account"] = doctor.Account.ToString() }));

        var refused = await Assert.ThrowsAsync<NodeApiException>(() => p.Records.ReadAsync(doctor, record));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("member", refused.Detail);
    }

    [Fact]
    public async Task Read_ByAKeyThatIsNoMember_IsRefusedWithoutAnEntryInThePatientsLog()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation())).Record;
        var logged = (await p.Records.AccessLogAsync(p.Patient)).Count;
        using var outsider = SigningKey.Generate();

        for (var i = 0; i < 5; i++)
        {
            var refused = await Assert.ThrowsAsync<NodeApiException>(() => p.Records.ReadAsync(outsider, record));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        }

        await p.Records.ReadAsync(p.Patient, record); // a logged read, to know the log has caught up to this point
        await WaitForLogAsync(logged + 1);
        Assert.DoesNotContain(await p.Records.AccessLogAsync(p.Patient), e => e.Reader == outsider.Account.ToString());
    }

    private async Task<SigningKey> NewLicensedPractitionerAsync()
    {
        var doctor = SigningKey.Generate();
        Valid(await p.Node.Client.SendAsync(p.ClinicAdmin, "membership", "register",
            new CborMap { ["account"] = doctor.Account.ToString(), ["role"] = "practitioner", ["name"] = "Dr. Temp" }));
        Valid(await p.Node.Client.SendAsync(p.BoardAdmin, "licensing", "issue", new CborMap
        {
            ["practitioner"] = doctor.Account.ToString(), ["specialty"] = "general-practice", ["jurisdiction"] = "EU-DEMO",
            ["validFrom"] = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds(), ["validUntil"] = DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeMilliseconds(),
        }));
        await p.Records.PublishKeyAsync(doctor);
        return doctor;
    }

    /// <summary>A new record of the patient's, granted to the practitioner for treatment.</summary>
    private async Task<string> GrantedRecordAsync(SigningKey practitioner)
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation())).Record;
        await p.Records.GrantAsync(p.Patient, practitioner.Account.ToString(), null, "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));
        return record;
    }

    private async Task WaitForLogAsync(int entries)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await p.Records.AccessLogAsync(p.Patient)).Count < entries && DateTime.UtcNow < deadline) await Task.Delay(50);
    }

    private static void Valid(SubmitResponse sent) => Assert.True(sent.Receipt?.Valid, sent.Receipt?.Reason);
}
