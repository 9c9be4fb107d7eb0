using CareLedger.Client.Prescriptions;
using Hl7.Fhir.Model;

namespace CareLedger.Client.Tests;

public sealed class TreatmentSupportTests
{
    private static readonly TreatmentSupport Support = TreatmentSupport.Default;

    private static CodeableConcept RxNorm(string code, string display) => new(TreatmentSupport.RxNormSystem, code, display);

    private static CodeableConcept Atc(string code, string display) => new(TreatmentSupport.AtcSystem, code, display);

    private static MedicationRequest Request(CodeableConcept medication, MedicationRequest.MedicationrequestStatus status = MedicationRequest.MedicationrequestStatus.Active) => new()
    {
        Status = status, Intent = MedicationRequest.MedicationRequestIntent.Order, Medication = medication, Subject = new ResourceReference("Patient/p1"),
    };

    private static MedicationStatement Taking(CodeableConcept medication, MedicationStatement.MedicationStatusCodes status = MedicationStatement.MedicationStatusCodes.Active) => new()
    {
        Status = status, Medication = medication, Subject = new ResourceReference("Patient/p1"),
    };

    private static AllergyIntolerance Allergy(CodeableConcept code, string clinical = "active", AllergyIntolerance.AllergyIntoleranceCriticality? criticality = null) => new()
    {
        Code = code, Patient = new ResourceReference("Patient/p1"), Criticality = criticality,
        ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", clinical),
    };

    [Fact]
    public void Default_Table_LoadsItsCuratedInteractions()
    {
        Assert.True(Support.InteractionCount >= 20);
    }

    [Fact]
    public void Check_WarfarinForAPatientTakingIbuprofen_AlertsAHighSeverityInteractionWithItsSource()
    {
        var alerts = Support.Check(Request(RxNorm("11289", "warfarin")), [Taking(RxNorm("5640", "ibuprofen"))]);

        var alert = Assert.Single(alerts);
        Assert.Equal(("interaction", "high", "warfarin+nsaid"), (alert.Kind, alert.Severity, alert.Code));
        Assert.Contains("Coumadin", alert.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InteractionsAreSymmetricAndMatchAtcClasses()
    {
        var alerts = Support.Check(Request(Atc("C01DA14", "isosorbide mononitrate")), [Request(RxNorm("136411", "sildenafil"))]);

        Assert.Equal(["pde5-inhibitor+nitrate"], alerts.Select(a => a.Code));
        Assert.Equal("high", alerts[0].Severity);
    }

    [Fact]
    public void Check_AllergyToTheDrugsClass_AlertsAnAllergy()
    {
        var alerts = Support.Check(Request(RxNorm("723", "amoxicillin")), [Allergy(Atc("J01C", "penicillins"), criticality: AllergyIntolerance.AllergyIntoleranceCriticality.High)]);

        var alert = Assert.Single(alerts);
        Assert.Equal(("allergy", "high", "allergy:atc:J01C"), (alert.Kind, alert.Severity, alert.Code));
    }

    [Fact]
    public void Check_LowCriticalityAllergyToTheIngredient_IsModerate()
    {
        var alerts = Support.Check(Request(RxNorm("5640", "ibuprofen")), [Allergy(RxNorm("5640", "ibuprofen"), criticality: AllergyIntolerance.AllergyIntoleranceCriticality.Low)]);

        Assert.Equal([("allergy", "moderate", "allergy:rxnorm:5640")], alerts.Select(a => (a.Kind, a.Severity, a.Code)));
    }

    [Fact]
    public void Check_AllergyCodedInRxNorm_MatchesADrugCodedInAtc()
    {
        var alerts = Support.Check(Request(Atc("M01AE01", "ibuprofen")), [Allergy(RxNorm("5640", "ibuprofen"))]);

        Assert.Equal([("allergy", "high", "allergy:atc:M01AE01")], alerts.Select(a => (a.Kind, a.Severity, a.Code)));
    }

    [Fact]
    public void Check_InactiveRecords_RaiseNothing()
    {
        var alerts = Support.Check(Request(RxNorm("11289", "warfarin")),
        [
            Taking(RxNorm("5640", "ibuprofen"), MedicationStatement.MedicationStatusCodes.Stopped),
            Request(RxNorm("4450", "fluconazole"), MedicationRequest.MedicationrequestStatus.Completed),
            Allergy(RxNorm("11289", "warfarin"), clinical: "resolved"),
        ]);

        Assert.Empty(alerts);
    }

    [Fact]
    public void Check_SeveralProblems_AreAllReportedMostSevereFirst()
    {
        var alerts = Support.Check(Request(RxNorm("9997", "spironolactone")),
        [
            Taking(RxNorm("29046", "lisinopril")),
            Request(RxNorm("8591", "potassium chloride")),
            Taking(Atc("C03DA01", "spironolactone")),
        ]);

        Assert.Equal(["spironolactone+potassium", "duplicate:atc:C03DA01", "spironolactone+ace-inhibitor"], alerts.Select(a => a.Code));
        Assert.Equal(["high", "moderate", "moderate"], alerts.Select(a => a.Severity));
    }

    [Fact]
    public void Check_UnknownOrUncodedMedication_RaisesNothing()
    {
        var alerts = Support.Check(Request(new CodeableConcept { Text = "herbal tea" }), [Taking(RxNorm("5640", "ibuprofen"))]);

        Assert.Empty(alerts);
    }
}
