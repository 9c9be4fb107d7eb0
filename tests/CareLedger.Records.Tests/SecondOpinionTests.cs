using CareLedger.Vault.Records;
using CareLedger.Client.Records;
using CareLedger.Client.Services;

namespace CareLedger.Records.Tests;

/// <summary>A second opinion is a record the patient can read, paid when its hash reaches the case.</summary>
public class SecondOpinionTests(DemoPeople p) : IClassFixture<DemoPeople>
{
    [Fact]
    public async Task Opinion_WrittenUnderASecondOpinionGrant_IsReadableByThePatientAndPaid()
    {
        var services = new ServicesClient(p.Node.Client);
        var opinions = new WrittenOpinions(p.Records, services);
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation(value: 130))).Record;
        await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "second-opinion", [record], [], DateTimeOffset.UtcNow.AddDays(7));
        var caseId = "case-" + Guid.NewGuid().ToString("N")[..10];
        await services.RequestOpinionsAsync(p.Patient, new OpinionRequest(caseId, [record], [p.Doctor.Account.ToString()], 10, "CARE",
            DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeMilliseconds()));

        var (_, receipt) = await opinions.SubmitAsync(p.Doctor, caseId, "Resting tachycardia; I agree with an ECG and a thyroid panel.");
        var read = await opinions.ReadAsync(p.Patient, caseId);

        Assert.True(receipt.Valid, receipt.Reason);
        Assert.Equal("Resting tachycardia; I agree with an ECG and a thyroid panel.", read[p.Doctor.Account.ToString()]);
        Assert.True((await services.As(p.Patient).GetCaseAsync(caseId))!.Opinions[p.Doctor.Account.ToString()].Paid > 0);
    }

    [Fact]
    public async Task SecondOpinionGrant_DoesNotLetThePractitionerAddOtherRecords()
    {
        var record = (await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation())).Record;
        await p.Records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "second-opinion", [record], [], DateTimeOffset.UtcNow.AddDays(7));
        var error = await Assert.ThrowsAsync<RecordException>(() => p.Records.AddAsync(p.Doctor, p.Patient.Account, DemoPeople.Observation()));
        Assert.Contains("no treatment grant", error.Message);
    }
}
