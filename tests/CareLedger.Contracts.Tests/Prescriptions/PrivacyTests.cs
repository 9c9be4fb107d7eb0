using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;

namespace CareLedger.Contracts.Tests.Prescriptions;

/// <summary>A pharmacy learns no more of the patient's record than the prescription presented to it.</summary>
public sealed class PrivacyTests : IDisposable
{
    private readonly TestConsortium _chain = Open();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Present_WithAGrantScopedToThePrescriptionsRecord_LetsThePharmacyReadThatRecordAndNothingElse()
    {
        var allergy = _chain.AddRecord("dr-rivera", "patient-jones", "AllergyIntolerance");
        var earlier = _chain.AddRecord("dr-rivera", "patient-jones", "MedicationRequest");
        var rx = _chain.Prescribe();
        var record = _chain.Rx(rx).Record;
        var chen = _chain.Account("pharmacist-chen");
        Verdict.Valid(_chain.Present(rx));
        Assert.False(RecordAccess.CheckRead(_chain.View, record, chen, _chain.Time).Allowed);

        Verdict.Valid(_chain.Submit("patient-jones", "records", "grant", new CborMap
        {
            ["grant"] = Services.ServicesActions.NewRecordId(), ["granteeOrg"] = Corner, ["purpose"] = Purposes.Treatment,
            ["records"] = new List<object> { record }, ["expiry"] = _chain.Time + TestConsortium.Day,
        }));

        Assert.True(RecordAccess.CheckRead(_chain.View, record, chen, _chain.Time).Allowed);
        Assert.False(RecordAccess.CheckRead(_chain.View, allergy, chen, _chain.Time).Allowed);
        Assert.False(RecordAccess.CheckRead(_chain.View, earlier, chen, _chain.Time).Allowed);
        Assert.False(RecordAccess.CheckRead(_chain.View, record, _chain.Account("pharmacist-diaz"), _chain.Time).Allowed);
    }

    [Fact]
    public void Dispense_AfterTheRecordGotANewVersion_StillDispensesOnlyTheContentThePrescriberSigned()
    {
        var rx = _chain.Prescribe();
        const string changed = "1111111111111111111111111111111111111111111111111111111111111111";
        Verdict.Valid(_chain.Submit("dr-rivera", "records", "update", new CborMap
        {
            ["record"] = _chain.Rx(rx).Record, ["contentHash"] = changed, ["keysHash"] = changed,
        }));
        Verdict.Valid(_chain.Present(rx));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, contentHash: changed), "tampered prescription");
        Verdict.Valid(_chain.Dispense(rx));
    }

    [Fact]
    public void Prescription_OnTheLedger_HoldsNoClinicalPlaintext()
    {
        var rx = _chain.Prescribe();

        var held = CborMap.Decode(_chain.State.Get(Prescription.Key(rx).Value)!);

        Assert.Equal(
            ["adherentDays", "alerts", "asset", "cancelled", "codeHash", "contentHash", "dispensed", "dispenses", "dosesPerDay", "expiry", "fills", "fillsLeft",
             "firstDay", "id", "issued", "issuedBy", "medication", "patient", "payer", "pharmacy", "prescriber", "price", "programme", "quantity", "reason",
             "record", "recordVersion", "remaining", "renewedFrom", "rewards", "signedAt", "status", "taken"],
            held.Keys.Order(StringComparer.Ordinal));
    }
}
