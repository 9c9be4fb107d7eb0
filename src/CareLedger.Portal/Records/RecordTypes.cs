using System.Globalization;
using CareLedger.Portal.Session;
using Microsoft.Extensions.Localization;

namespace CareLedger.Portal.Records;

/// <summary>Plain names for FHIR resource types, in the person's language.</summary>
public static class RecordTypes
{
    /// <summary>In English, for pages not translated yet.</summary>
    public static string Describe(string type) => Describe(type, EnglishWords.Instance);

    public static string Describe(string type, IStringLocalizer L) => type switch
    {
        "Observation" => L["Measurement or result"],
        "Condition" => L["Condition"],
        "MedicationStatement" => L["Medication"],
        "MedicationRequest" => L["Prescription"],
        "AllergyIntolerance" => L["Allergy"],
        "DocumentReference" => L["Document"],
        "Media" => L["Photo"],
        "QuestionnaireResponse" => L["Questionnaire answers"],
        "Encounter" => L["Consultation"],
        "Communication" => L["Message"],
        "Bundle" => L["Chat transcript"],
        "DiagnosticReport" => L["Report"],
        "Immunization" => L["Vaccination"],
        "Procedure" => L["Procedure"],
        "Patient" => L["Personal details"],
        _ => type, // a FHIR type the portal has no plain name for is shown by its name
    };
}

/// <summary>Why someone read or may read a patient's records (a grant's or a read's purpose), in words.</summary>
public static class PurposeWords
{
    public static string Describe(string purpose, IStringLocalizer L) => purpose switch
    {
        "patient" => L["your own read"],
        "treatment" => L["treatment"],
        "second-opinion" => L["second opinion"],
        "research" => L["research"],
        "public-health" => L["public health"],
        "emergency" => L["emergency"],
        "app" => L["an app you chose"],
        _ => purpose,
    };
}

/// <summary>Dates as people read them: in the person's culture (day and month order, 12 or 24 hours, month names).</summary>
public static class Dates
{
    /// <summary>Date and time, short: "12/6/2026 1:04 PM" in the US, "6/12/2026 13:04" in Spain.</summary>
    public static string Show(long unixMs) => Show(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    public static string Show(DateTimeOffset when) => when.ToLocalTime().ToString("g", CultureInfo.CurrentCulture);

    /// <summary>The date alone, short.</summary>
    public static string Day(DateTimeOffset when) => when.ToLocalTime().ToString("d", CultureInfo.CurrentCulture);

    public static string Day(long unixMs) => Day(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    /// <summary>The time of day alone, short.</summary>
    public static string Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("t", CultureInfo.CurrentCulture);
}

public static class Accounts
{
    public static string Short(string account) => account.Length > 12 ? account[..12] + "…" : account;
}
