using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir;

/// <summary>A ledger purpose as FHIR codings: the CareLedger code, and HL7's v3 ActReason where one fits.</summary>
public static class PurposeOfUse
{
    public const string System = "urn:careledger:purpose";
    public const string ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    public static IEnumerable<Coding> Codings(string purpose)
    {
        if (purpose is "" or "none") yield break;
        yield return new Coding(System, purpose);
        var (code, display) = purpose switch
        {
            "treatment" or "second-opinion" => ("TREAT", "treatment"),
            "emergency" => ("ETREAT", "emergency treatment"),
            "research" => ("HRESCH", "healthcare research"),
            "public-health" => ("PUBHLTH", "public health"),
            "patient" or "app" => ("PATRQT", "patient requested"),
            _ => ((string?)null, (string?)null),
        };
        if (code is not null) yield return new Coding(ActReason, code, display);
    }
}
