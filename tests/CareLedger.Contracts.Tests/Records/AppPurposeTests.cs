using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Tests.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Contracts.Tests.Records;

/// <summary>
/// The <c>app</c> purpose (ADR 0025): a patient's grant to a SMART app's account lets it read the covered records and never
/// add or update one — unlike a treatment grant, which lets its grantee write the types it covers.
/// </summary>
public sealed class AppPurposeTests : IDisposable
{
    private readonly TestConsortium _chain;
    private readonly string _record;

    public AppPurposeTests()
    {
        _chain = Prescriptions.PrescriptionsWorld.Builder()
            .WithMember("diary-app", "city-clinic", Roles.Service)
            .WithMember("coach-app", "city-clinic", Roles.Service)
            .Build();
        _record = _chain.AddRecord("patient-jones", "patient-jones", "Observation");
        Verdict.Valid(_chain.Commit(_chain.GrantSign("patient-jones", "diary-app", Purposes.App, types: ["Observation"])).Results[0]);
    }

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void AppGrant_IsGrantable_AndLetsTheAppReadTheCoveredRecords_UnderPurposeApp()
    {
        var decision = RecordAccess.CheckRead(_chain.View, _record, _chain.Account("diary-app"), _chain.Time);

        Assert.True(decision.Allowed, decision.Reason);
        Assert.Equal(Purposes.App, decision.Purpose);
    }

    [Fact]
    public void AppGrant_NeverLetsTheAppAddARecordOfACoveredType()
    {
        Verdict.Refused(_chain.Submit("diary-app", "records", "add", new CborMap
        {
            ["record"] = ServicesActions.NewRecordId(), ["patient"] = _chain.Account("patient-jones").ToString(), ["type"] = "Observation",
            ["contentHash"] = ServicesActions.Symptoms, ["keysHash"] = ServicesActions.Symptoms,
        }), "no treatment grant");
    }

    [Fact]
    public void AppGrant_NeverLetsTheAppUpdateACoveredRecord()
    {
        Verdict.Refused(_chain.Submit("diary-app", "records", "update", new CborMap
        {
            ["record"] = _record, ["contentHash"] = ServicesActions.Symptoms, ["keysHash"] = ServicesActions.Symptoms,
        }), "no treatment grant");
    }

    [Fact]
    public void ATreatmentGrantToTheSameKindOfAccount_DoesLetItAdd_WhichIsWhyAppsGetTheAppPurpose()
    {
        Verdict.Valid(_chain.Commit(_chain.GrantSign("patient-jones", "coach-app", Purposes.Treatment, types: ["Observation"])).Results[0]);

        _chain.AddRecord("coach-app", "patient-jones", "Observation");
    }
}
