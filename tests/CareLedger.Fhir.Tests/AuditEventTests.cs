using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

[Collection(FhirCollection.Name)]
public class AuditEventTests(FhirNode fhir)
{
    [Fact]
    public async Task AuditEvents_ShowTheDoctorsGrantedRead_AsABalpRestRead()
    {
        await fhir.GrantDoctorAsync("treatment", "Observation");
        using var client = fhir.Client();
        var created = await client.CreateAsync(fhir.Observation());
        await client.ReadAsync<Observation>($"Observation/{created!.Id}");

        var audit = await WaitForAsync(client, $"Observation/{created.Id}", AuditEvent.AuditEventOutcome.N0);

        Assert.Equal("rest", audit.Type!.Code);
        Assert.Equal("read", audit.Subtype.Single().Code);
        Assert.Equal(AuditEvent.AuditEventAction.R, audit.Action);
        var requestor = audit.Agent.Single(a => a.Requestor == true);
        Assert.Equal(fhir.Doctor.ToString(), requestor.Who!.Identifier!.Value);
        Assert.Contains(audit.PurposeOfEvent.SelectMany(p => p.Coding), c => c.Code == "TREAT");
        Assert.Contains(audit.Entity, e => e.What?.Reference == fhir.PatientRef);
        Assert.Matches("^[0-9a-f]{64}$", ((FhirString)audit.Entity.First().Detail.Single(d => d.Type == "ledger-transaction").Value).Value);
    }

    [Fact]
    public async Task AuditEvents_ShowARefusedRead_WithItsReason()
    {
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, RecordInteractionTests.Allergy(fhir.PatientRef));
        using var client = fhir.Client();
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<AllergyIntolerance>($"AllergyIntolerance/{added.Record}"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);

        var audit = await WaitForAsync(client, $"AllergyIntolerance/{added.Record}", AuditEvent.AuditEventOutcome.N4);

        Assert.Contains("no grant", audit.OutcomeDesc);
    }

    [Fact]
    public async Task AuditEvents_LeaveOutAccessesByOthers()
    {
        var added = await fhir.Records.AddAsync(fhir.Patient, fhir.Patient.Account, RecordInteractionTests.Allergy(fhir.PatientRef));
        await fhir.Records.ReadAsync(fhir.Patient, added.Record);
        await WaitForPatientsOwnEntryAsync(added.Record);
        using var client = fhir.Client();

        var bundle = await client.SearchAsync<AuditEvent>([$"patient={fhir.Patient.Account}"]);

        var events = bundle!.Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();
        Assert.DoesNotContain(events, a => a.Entity.Any(e => e.What?.Reference == $"AllergyIntolerance/{added.Record}") && a.Outcome == AuditEvent.AuditEventOutcome.N0);
        Assert.All(events, a => Assert.Equal(fhir.Doctor.ToString(), a.Agent.Single(x => x.Requestor == true).Who?.Identifier?.Value));
    }

    private async Task<AuditEvent> WaitForAsync(FhirClient client, string what, AuditEvent.AuditEventOutcome outcome)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            // Every page: the collection's other tests leave the doctor many more than one page of accesses.
            var seen = 0;
            for (var bundle = await client.SearchAsync<AuditEvent>([$"patient={fhir.Patient.Account}", "_count=1000"]); bundle is not null; bundle = await client.ContinueAsync(bundle))
            {
                seen += bundle.Entry.Count;
                var match = bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().FirstOrDefault(a => a.Outcome == outcome && a.Entity.Any(e => e.What?.Reference == what));
                if (match is not null) return match;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {outcome} AuditEvent for {what}; have {seen}");
            await Task.Delay(50);
        }
    }

    private async Task WaitForPatientsOwnEntryAsync(string record)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await fhir.Records.AccessLogAsync(fhir.Patient)).Any(e => e.Record == record && e.Reader == fhir.Patient.Account.ToString()))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the patient's own read of {record} was not logged");
            await Task.Delay(50);
        }
    }
}
