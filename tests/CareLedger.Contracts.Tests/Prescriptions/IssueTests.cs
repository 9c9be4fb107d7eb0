using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;

namespace CareLedger.Contracts.Tests.Prescriptions;

public sealed class IssueTests : IDisposable
{
    private readonly TestConsortium _chain = Open();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Issue_LicensedPrescriberWithTreatmentGrant_RecordsThePrescriptionAndItsAcknowledgedAlerts()
    {
        var record = _chain.AddRecord("dr-rivera", "patient-jones", "MedicationRequest");
        var issue = new RxIssue("rx-lisinopril", "patient-jones", record, _chain.Time)
        {
            Alerts = [RxIssue.Alert("interaction", "high", "spironolactone+lisinopril", acknowledged: true)],
        };

        var result = _chain.Issue("dr-rivera", issue);

        Verdict.Valid(result);
        var rx = _chain.Rx("rx-lisinopril");
        Assert.Equal(_chain.Account("dr-rivera"), rx.Prescriber);
        Assert.Equal(_chain.Account("patient-jones"), rx.Patient);
        Assert.Equal(PrescriptionsActions.ContentHash, rx.ContentHash);
        Assert.Equal((30L, 2L, 2L, "active"), (rx.Quantity, rx.Fills, rx.FillsLeft, rx.Status));
        var alert = Assert.Single(rx.Alerts);
        Assert.Equal(("interaction", "high", true), (alert.Kind, alert.Severity, alert.Acknowledged));
        Assert.Equal(SealedCode.Of("spironolactone+lisinopril", RxIssue.Salt), alert.Code);
        Assert.Equal(SealedCode.Of("rxnorm:29046", RxIssue.Salt), rx.Medication);
        Assert.Equal("PrescriptionIssued", Assert.Single(result.Events).Name);
    }

    [Fact]
    public void CareRelationship_AcceptedConsultation_CountsWhileARequestedOneDoesNot()
    {
        Verdict.Valid(Services.ServicesActions.PublishProfile(_chain, "dr-sato"));
        var slot = _chain.Time + 3 * TestConsortium.Day;
        Verdict.Valid(Services.ServicesActions.AddSlots(_chain, "dr-sato", [slot]));
        Verdict.Valid(Services.ServicesActions.Book(_chain, "patient-jones", "b1", slot, practitioner: "dr-sato"));
        var (sato, jones) = (_chain.Account("dr-sato"), _chain.Account("patient-jones"));
        Assert.Contains("no care relationship", CareRelationship.Check(_chain.View, sato, jones, _chain.Time).Error);

        Verdict.Valid(Services.ServicesActions.OnBooking(_chain, "dr-sato", "accept", "b1"));

        Assert.True(CareRelationship.Check(_chain.View, sato, jones, _chain.Time).IsOk);
        Assert.False(CareRelationship.Check(_chain.View, sato, _chain.Account("patient-lee"), _chain.Time).IsOk);
    }

    [Fact]
    public void CareRelationship_PractitionerWithManyBookings_ReadsNoMoreThanWithOne()
    {
        Verdict.Valid(Services.ServicesActions.PublishProfile(_chain, "dr-sato"));
        var slots = Enumerable.Range(0, 9).Select(i => _chain.Time + 3 * TestConsortium.Day + i * TestConsortium.Hour).ToList();
        Verdict.Valid(Services.ServicesActions.AddSlots(_chain, "dr-sato", slots));
        Verdict.Valid(Services.ServicesActions.Book(_chain, "patient-lee", "lee", slots[0], practitioner: "dr-sato"));
        Verdict.Valid(Services.ServicesActions.OnBooking(_chain, "dr-sato", "accept", "lee"));
        var (sato, lee) = (_chain.Account("dr-sato"), _chain.Account("patient-lee"));
        long ReadsOfCheck()
        {
            _chain.Reads.Reset();
            Assert.True(CareRelationship.Check(_chain.View, sato, lee, _chain.Time).IsOk);
            return _chain.Reads.Total;
        }
        var withOne = ReadsOfCheck();

        for (var i = 1; i < slots.Count; i++)
        {
            Verdict.Valid(Services.ServicesActions.Book(_chain, "patient-jones", $"jones-{i}", slots[i], practitioner: "dr-sato"));
            Verdict.Valid(Services.ServicesActions.OnBooking(_chain, "dr-sato", "accept", $"jones-{i}"));
        }

        Assert.Equal(withOne, ReadsOfCheck());
    }

    [Fact]
    public void CareRelationship_EveryCaringBookingEnds_IsGoneWithTheLastOne()
    {
        Verdict.Valid(Services.ServicesActions.PublishProfile(_chain, "dr-sato"));
        var slots = new[] { _chain.Time + 3 * TestConsortium.Day, _chain.Time + 4 * TestConsortium.Day };
        Verdict.Valid(Services.ServicesActions.AddSlots(_chain, "dr-sato", slots));
        var (sato, jones) = (_chain.Account("dr-sato"), _chain.Account("patient-jones"));
        foreach (var (id, slot) in new[] { ("b1", slots[0]), ("b2", slots[1]) })
        {
            Verdict.Valid(Services.ServicesActions.Book(_chain, "patient-jones", id, slot, practitioner: "dr-sato"));
            Verdict.Valid(Services.ServicesActions.OnBooking(_chain, "dr-sato", "accept", id));
        }

        Verdict.Valid(Services.ServicesActions.OnBooking(_chain, "patient-jones", "cancel", "b1"));
        Assert.True(CareRelationship.Check(_chain.View, sato, jones, _chain.Time).IsOk);
        Verdict.Valid(Services.ServicesActions.OnBooking(_chain, "patient-jones", "cancel", "b2"));

        Assert.Contains("no care relationship", CareRelationship.Check(_chain.View, sato, jones, _chain.Time).Error);
    }

    [Fact]
    public void Issue_UnlicensedPrescriber_IsRefusedAndChangesNothing()
    {
        var record = _chain.AddRecord("dr-rivera", "patient-jones", "MedicationRequest");
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-rivera")));

        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", new RxIssue("rx-1", "patient-jones", record, _chain.Time)), "unlicensed prescriber: licence was revoked");
        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-novak", new RxIssue("rx-1", "patient-jones", record, _chain.Time)), "unlicensed prescriber");
    }

    [Fact]
    public void Issue_NoCareRelationship_IsRefusedAndChangesNothing()
    {
        var record = _chain.AddRecord("patient-jones", "patient-jones", "MedicationRequest");
        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-sato", new RxIssue("rx-1", "patient-jones", record, _chain.Time)), "no care relationship");
    }

    [Fact]
    public void Issue_AfterThePatientRevokedTheTreatmentGrant_IsRefused()
    {
        var record = _chain.AddRecord("dr-rivera", "patient-jones", "MedicationRequest");
        var grant = _chain.View.Scan(ConsentGrant.Of(_chain.Account("patient-jones"))).Select(g => g.Value)
            .Single(g => g.Grantee == _chain.Account("dr-rivera"));
        Verdict.Valid(_chain.Submit("patient-jones", "records", "revoke", new CborMap { ["grant"] = grant.Id }));

        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", new RxIssue("rx-1", "patient-jones", record, _chain.Time)), "no care relationship");
    }

    [Fact]
    public void Issue_UnacknowledgedAlert_IsRefusedAndChangesNothing()
    {
        var record = _chain.AddRecord("dr-rivera", "patient-jones", "MedicationRequest");
        var issue = new RxIssue("rx-1", "patient-jones", record, _chain.Time)
        {
            Alerts = [RxIssue.Alert("allergy", "low", "J01C", true), RxIssue.Alert("allergy", "high", "J01CA04", false)],
        };

        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", issue), "unacknowledged alert: the prescriber must acknowledge the high allergy alert 1");
    }

    public static TheoryData<string, string> BadShapes => new()
    {
        { "expiry-past", "would already have expired" },
        { "expiry-far", "at most 366 days" },
        { "no-quantity", "quantity must be between" },
        { "too-many-fills", "fills must be between 1 and 12" },
        { "no-doses", "dosesPerDay must be between" },
        { "bad-alert-kind", "kind must be one of" },
        { "bad-severity", "severity must be one of" },
        { "clear-medication", "the medication goes on the ledger sealed" },
        { "clear-alert-code", "alert 0's code goes on the ledger sealed" },
        { "Bad Id", "a prescription id is" },
    };

    [Theory]
    [MemberData(nameof(BadShapes))]
    public void Issue_BadTerms_AreRefusedAndChangeNothing(string shape, string reason)
    {
        var record = _chain.AddRecord("dr-rivera", "patient-jones", "MedicationRequest");
        var issue = new RxIssue("rx-1", "patient-jones", record, _chain.Time);
        issue = shape switch
        {
            "expiry-past" => issue with { Expiry = _chain.Time },
            "expiry-far" => issue with { Expiry = _chain.Time + 400 * TestConsortium.Day },
            "no-quantity" => issue with { Quantity = 0 },
            "too-many-fills" => issue with { Fills = 13 },
            "no-doses" => issue with { DosesPerDay = 0 },
            "bad-alert-kind" => issue with { Alerts = [RxIssue.Alert("horoscope", "high", "x", true)] },
            "bad-severity" => issue with { Alerts = [RxIssue.Alert("allergy", "catastrophic", "x", true)] },
            "clear-medication" => issue with { Medication = "rxnorm:29046" },
            "clear-alert-code" => issue with { Alerts = [RxIssue.Alert("allergy", "high", "allergy:atc:J01C", true, seal: false)] },
            _ => issue with { Id = shape },
        };

        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", issue), reason);
    }

    [Fact]
    public void Issue_RecordThatIsNotAMedicationRequestOrNotTheirs_IsRefused()
    {
        var allergy = _chain.AddRecord("dr-rivera", "patient-jones", "AllergyIntolerance");
        var othersRecord = _chain.AddRecord("dr-okafor", "patient-jones", "MedicationRequest");
        var leesRecord = _chain.AddRecord("dr-rivera", "patient-lee", "MedicationRequest");

        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", new RxIssue("rx-1", "patient-jones", allergy, _chain.Time)), "is a AllergyIntolerance");
        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", new RxIssue("rx-1", "patient-jones", othersRecord, _chain.Time)), "was not added by you");
        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", new RxIssue("rx-1", "patient-jones", leesRecord, _chain.Time)), "is not this patient's");
    }

    [Fact]
    public void Issue_SameIdOrSameRecordTwice_IsRefused()
    {
        var rx = _chain.Prescribe();
        var record = _chain.Rx(rx).Record;
        var fresh = _chain.AddRecord("dr-rivera", "patient-jones", "MedicationRequest");

        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", new RxIssue(rx, "patient-jones", fresh, _chain.Time)), "already exists");
        _chain.AssertRefusedUnchanged(() => _chain.Issue("dr-rivera", new RxIssue("rx-again", "patient-jones", record, _chain.Time)), $"already backs prescription {rx}");
    }

    [Fact]
    public void Cancel_ByThePrescriber_StopsDispensingAndRefundsThePresentation()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));
        Assert.Equal(980, _chain.Balance(_chain.Account("patient-jones")));

        _chain.AssertRefusedUnchanged(() => _chain.OnRx("dr-okafor", "cancel", rx), "is not yours");
        Verdict.Valid(_chain.OnRx("dr-rivera", "cancel", rx, new CborMap { ["reason"] = "switched therapy" }));

        Assert.Equal(1_000, _chain.Balance(_chain.Account("patient-jones")));
        Assert.Equal("cancelled", _chain.Rx(rx).Status);
        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx), "was cancelled by the prescriber");
        _chain.AssertRefusedUnchanged(() => _chain.Present(rx), "was cancelled by the prescriber");
        _chain.AssertRefusedUnchanged(() => _chain.OnRx("dr-rivera", "cancel", rx), "is already cancelled");
    }
}
