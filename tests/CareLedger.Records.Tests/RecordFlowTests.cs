using CareLedger.Vault.Records;
using System.Net;
using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Records;
using CareLedger.Contracts;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Verification;

namespace CareLedger.Records.Tests;

public class RecordFlowTests : IClassFixture<DemoPeople>
{
    private readonly DemoPeople _p;

    public RecordFlowTests(DemoPeople people) => _p = people;

    [Fact]
    public async Task PatientAddsRecord_ThenReadsItBack_Decrypted()
    {
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation(value: 64));
        var (envelope, json) = await _p.Records.ReadAsync(_p.Patient, added.Record);
        Assert.Equal("Observation", envelope.Type);
        Assert.Contains("\"value\":64", json);
        Assert.DoesNotContain("8867-4", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(envelope.Ciphertext)));
    }

    [Fact]
    public async Task DoctorWithoutGrant_IsRefused_AndTheAttemptIsLogged()
    {
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation());
        var refused = await Assert.ThrowsAsync<NodeApiException>(() => _p.Records.ReadAsync(_p.Doctor, added.Record));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("no grant", refused.Detail);

        var entry = await WaitForLogAsync(added.Record, e => e.Outcome == "denied");
        Assert.Equal(_p.Doctor.Account.ToString(), entry.Reader);
    }

    [Fact]
    public async Task Grant_ThenRevoke_OpensThenClosesAccess()
    {
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation(value: 80));
        var grant = await _p.Records.GrantAsync(_p.Patient, _p.Doctor.Account.ToString(), null, "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));

        var (_, json) = await _p.Records.ReadAsync(_p.Doctor, added.Record);
        Assert.Contains("\"value\":80", json);
        var granted = await WaitForLogAsync(added.Record, e => e.Outcome == "granted" && e.Reader == _p.Doctor.Account.ToString());
        Assert.Equal("treatment", granted.Purpose);

        await _p.Records.RevokeAsync(_p.Patient, grant);
        var refused = await Assert.ThrowsAsync<NodeApiException>(() => _p.Records.ReadAsync(_p.Doctor, added.Record));
        Assert.Contains("revoked", refused.Detail);
    }

    [Fact]
    public async Task DoctorWithTreatmentGrant_AddsRecordForPatient_AndNewVersionLinksToPrevious()
    {
        await _p.Records.GrantAsync(_p.Patient, _p.Doctor.Account.ToString(), null, "treatment", [], ["Condition"], DateTimeOffset.UtcNow.AddDays(1));
        var condition = """{"resourceType":"Condition","subject":{"reference":"Patient/jones"},"code":{"text":"Hypertension"}}""";
        var added = await _p.Records.AddAsync(_p.Doctor, _p.Patient.Account, condition);
        await _p.Records.UpdateAsync(_p.Doctor, added.Record, condition.Replace("Hypertension", "Hypertension, controlled"));

        var history = await _p.Records.HistoryAsync(_p.Patient, added.Record);
        Assert.Equal(2, history.Version);
        Assert.Equal([1L, 2L], history.Versions.Select(v => v.Version));
        var (_, v1) = await _p.Records.ReadAsync(_p.Patient, added.Record, version: 1);
        var (_, v2) = await _p.Records.ReadAsync(_p.Patient, added.Record);
        Assert.DoesNotContain("controlled", v1);
        Assert.Contains("controlled", v2);
    }

    [Fact]
    public async Task PharmacistWithoutTreatmentGrant_CannotAddARecord()
    {
        var error = await Assert.ThrowsAsync<RecordException>(() => _p.Records.AddAsync(_p.Pharmacist, _p.Patient.Account, DemoPeople.Observation()));
        Assert.Contains("no treatment grant", error.Message);
    }

    [Fact]
    public async Task InvalidFhir_IsRefusedBeforeAnythingIsSent()
    {
        // Other tests' access-log entries may commit meanwhile: what must not move is the patient's own nonce.
        var nonce = (await _p.Node.Client.GetAccountAsync(_p.Patient.Account)).LastNonce;
        var error = await Assert.ThrowsAsync<RecordException>(() => _p.Records.AddAsync(_p.Patient, _p.Patient.Account, """{"resourceType":"Observation","status":"bogus"}"""));
        Assert.Contains("bogus", error.Message);
        Assert.Equal(nonce, (await _p.Node.Client.GetAccountAsync(_p.Patient.Account)).LastNonce);
    }

    [Fact]
    public async Task Erase_ShredsCiphertextAndKeys_AndTheChainStillVerifies()
    {
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation());
        var contentHash = (await _p.Records.HistoryAsync(_p.Patient, added.Record)).Versions[0].ContentHash;
        await _p.Records.EraseAsync(_p.Patient, added.Record);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_p.Node.Vault.GetBlob(added.Record, Ledger.Cryptography.Hash256.Parse(contentHash)) is not null && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Null(_p.Node.Vault.GetBlob(added.Record, Ledger.Cryptography.Hash256.Parse(contentHash)));
        Assert.Null(_p.Node.Vault.GetKey(added.Record, _p.Patient.Account));
        var refused = await Assert.ThrowsAsync<NodeApiException>(() => _p.Records.ReadAsync(_p.Patient, added.Record));
        Assert.Contains("erased", refused.Detail);

        var report = await new ChainChecker(g => ConsortiumContracts.CreateRuntime(g.ChainId), CareLedger.Contracts.Membership.LedgerValidatorSet.For).ReplayAsync(_p.Node.Store.ReadBlocksAsync());
        Assert.True(report.Valid, report.Reason);
    }

    [Fact]
    public async Task BreakGlass_ByLicensedDoctor_ReadsAndIsFlaggedToThePatient()
    {
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation(value: 150));
        var (envelope, json) = await _p.Records.ReadAsync(_p.Doctor, added.Record, breakGlassReason: "unconscious in the emergency room");
        Assert.True(envelope.BreakGlass);
        Assert.Contains("\"value\":150", json);
        var entry = await WaitForLogAsync(added.Record, e => e.BreakGlass);
        Assert.Equal("emergency", entry.Purpose);
        Assert.Contains("unconscious in the emergency room", entry.Reason);
    }

    [Fact]
    public async Task BreakGlassReason_IsInThePatientsLogButNotOnTheLedger_AndErasedWithTheRecord()
    {
        const string reason = "collapsed at the station, no ID";
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation(value: 151));
        await _p.Records.ReadAsync(_p.Doctor, added.Record, breakGlassReason: reason);
        var entry = await WaitForLogAsync(added.Record, e => e.BreakGlass);
        var onLedger = new List<ulong>();
        await foreach (var block in _p.Node.Store.ReadBlocksAsync())
            if (System.Text.Encoding.UTF8.GetString(block.Body).Contains("collapsed", StringComparison.Ordinal)) onLedger.Add(block.Height);
        var inState = _p.Node.Store.Scan("records/").Count(e => System.Text.Encoding.UTF8.GetString(e.Value).Contains("collapsed", StringComparison.Ordinal));

        await _p.Records.EraseAsync(_p.Patient, added.Record);
        var afterErasure = (await _p.Records.AccessLogAsync(_p.Patient)).Single(e => e.Record == added.Record && e.BreakGlass);

        Assert.Equal($"break-glass: {reason}", entry.Reason);
        Assert.Empty(onLedger);
        Assert.Equal(0, inState);
        Assert.Equal("break-glass: (the reason was erased with the record)", afterErasure.Reason);
    }

    [Fact]
    public async Task BreakGlass_ByPharmacist_IsRefused()
    {
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation());
        var refused = await Assert.ThrowsAsync<NodeApiException>(() => _p.Records.ReadAsync(_p.Pharmacist, added.Record, breakGlassReason: "curious"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task AccessLogEntries_HaveMerkleReceiptsThatVerify_ForThePatientNotForTheirReaders()
    {
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation());
        await _p.Records.ReadAsync(_p.Patient, added.Record);
        var entry = await WaitForLogAsync(added.Record, e => e.Outcome == "granted");
        var proof = WireFormat.FromDto(await _p.Node.Client.As(_p.Patient).GetProofAsync(entry.Tx));
        var toAnother = await Assert.ThrowsAsync<NodeApiException>(() => _p.Node.Client.As(_p.Pharmacist).GetProofAsync(entry.Tx));
        var verdict = proof.Verify(_p.Node.Genesis.ValidatorAccounts);
        Assert.True(verdict.Valid, verdict.Reason);
        Assert.Equal(HttpStatusCode.Forbidden, toAnother.Status);
    }

    [Fact]
    public async Task ARecordThePatientAddsAfterATypeGrant_IsReadableByTheGranteeAtOnce_AndNotAfterRevocation()
    {
        const string condition = """{"resourceType":"Condition","code":{"text":"Asthma"},"subject":{"reference":"Patient/p"}}""";
        var grant = await _p.Records.GrantAsync(_p.Patient, _p.Doctor.Account.ToString(), null, "treatment", [], ["Condition"], DateTimeOffset.UtcNow.AddDays(1));
        try
        {
            var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, condition);

            var (_, json) = await _p.Records.ReadAsync(_p.Doctor, added.Record);
            Assert.Contains("Asthma", json);
        }
        finally { await _p.Records.RevokeAsync(_p.Patient, grant); }

        var later = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, condition);
        Assert.Null(_p.Node.Vault.GetKey(later.Record, _p.Doctor.Account));
    }

    [Fact]
    public async Task OrganisationGrant_CoversItsPractitioners_ButNotItsOtherPatients()
    {
        using var otherPatient = SigningKey.Generate();
        var registered = await _p.Node.Client.SendAsync(_p.ClinicAdmin, "membership", "register",
            new CborMap { ["account"] = otherPatient.Account.ToString(), ["role"] = "patient" });
        Assert.True(registered.Receipt?.Valid, registered.Receipt?.Reason);
        await _p.Records.PublishKeyAsync(otherPatient);
        var added = await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation(value: 61));

        await _p.Records.GrantAsync(_p.Patient, null, "city-clinic", "treatment", [added.Record], [], DateTimeOffset.UtcNow.AddDays(1));

        var (_, json) = await _p.Records.ReadAsync(_p.Doctor, added.Record);
        Assert.Contains("\"value\":61", json);
        var refused = await Assert.ThrowsAsync<NodeApiException>(() => _p.Records.ReadAsync(otherPatient, added.Record));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Null(_p.Node.Vault.GetKey(added.Record, otherPatient.Account));
    }

    [Fact]
    public async Task AccountArgument_InUppercase_IsRefusedBeforeOrdering()
    {
        var error = await Assert.ThrowsAsync<NodeApiException>(() => _p.Node.Client.SendAsync(_p.Patient, "tokens", "transfer",
            new CborMap { ["asset"] = "CARE", ["to"] = _p.Doctor.Account.ToString().ToUpperInvariant(), ["amount"] = 1L }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains("lowercase", error.Detail);
    }

    [Fact]
    public async Task AccessLogAsync_InPagesOfOne_GivesTheSameEntriesAsOnePage()
    {
        var record = (await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation())).Record;
        await _p.Records.ReadAsync(_p.Patient, record);
        await _p.Records.ReadAsync(_p.Patient, record);
        await WaitForLogAsync(record, _ => true);

        var onePage = await _p.Records.AccessLogAsync(_p.Patient);
        var pagesOfOne = await _p.Records.AccessLogAsync(_p.Patient, pageSize: 1);

        Assert.True(onePage.Count >= 2);
        Assert.Equal(onePage.Select(e => e.Tx), pagesOfOne.Take(onePage.Count).Select(e => e.Tx));
    }

    [Fact]
    public async Task ListRecords_WithLimitOne_LinksPagesThatTogetherAreTheWholeList()
    {
        await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation());
        await _p.Records.AddAsync(_p.Patient, _p.Patient.Account, DemoPeople.Observation());
        var whole = await _p.Records.ListAsync(_p.Patient);

        var paged = new List<string>();
        var pages = 0;
        for (string? path = $"/v1/records?patient={_p.Patient.Account}&limit=1"; path is not null; pages++)
        {
            using var response = await _p.Node.Client.Http.SendAsync(await SignedHttp.Get(_p.Patient, _p.Node.Audience, path));
            paged.AddRange((await response.Content.ReadFromJsonAsync<List<RecordSummary>>())!.Select(r => r.Record));
            path = NodeClient.NextLink(response) is { } next ? "/" + next : null;
        }

        Assert.True(whole.Count >= 2);
        Assert.Equal(whole.Select(r => r.Record).Take(paged.Count), paged.Take(whole.Count));
        Assert.True(pages >= whole.Count);
    }

    private async Task<AccessLogEntry> WaitForLogAsync(string record, Func<AccessLogEntry, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var log = await _p.Records.AccessLogAsync(_p.Patient);
            var entry = log.FirstOrDefault(e => e.Record == record && match(e));
            if (entry is not null) return entry;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no matching access-log entry for {record}; have {log.Count}");
            await Task.Delay(50);
        }
    }
}
