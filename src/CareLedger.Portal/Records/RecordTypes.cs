namespace CareLedger.Portal.Records;

/// <summary>Plain names for FHIR resource types.</summary>
public static class RecordTypes
{
    public static string Describe(string type) => type switch
    {
        "Observation" => "Measurement or result",
        "Condition" => "Condition",
        "MedicationStatement" => "Medication",
        "MedicationRequest" => "Prescription",
        "AllergyIntolerance" => "Allergy",
        "DocumentReference" => "Document",
        "Encounter" => "Consultation",
        "DiagnosticReport" => "Report",
        "Immunization" => "Vaccination",
        "Procedure" => "Procedure",
        "Patient" => "Personal details",
        _ => type,
    };
}

/// <summary>Dates and accounts as people read them.</summary>
public static class Dates
{
    public static string Show(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("d MMM yyyy, HH:mm");

    /// <summary>The day alone, in the reader's culture.</summary>
    public static string Day(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("d");

    /// <summary>The time of day alone, in the reader's culture.</summary>
    public static string Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("t");
}

public static class Accounts
{
    public static string Short(string account) => account.Length > 12 ? account[..12] + "…" : account;
}
