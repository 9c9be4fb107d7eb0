using System.Text.Json.Nodes;
using CareLedger.Contracts.Services;

namespace CareLedger.Portal.Records;

/// <summary>
/// The summary a practitioner writes when completing a consultation: a FHIR R4 Encounter with the reason as its
/// reasonCode, and findings and plan as two extensions (R4's Encounter has no note), so any FHIR reader keeps them.
/// </summary>
public static class EncounterSummary
{
    public const string FindingsUrl = "https://careledger.org/fhir/StructureDefinition/consultation-findings";
    public const string PlanUrl = "https://careledger.org/fhir/StructureDefinition/consultation-plan";

    public static string For(Booking booking, string reason, string findings, string plan)
    {
        // Video and audio are virtual encounters; on-site is ambulatory (HL7 v3 ActCode).
        var (code, display) = booking.Mode == ConsultationModes.OnSite ? ("AMB", "ambulatory") : ("VR", "virtual");
        var end = booking.Ended > 0 ? booking.Ended : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // An asynchronous consultation has no room: it is held from its acceptance to its answer.
        var start = booking.Started > 0 ? booking.Started : booking.Accepted > 0 ? booking.Accepted : booking.Start;
        return new JsonObject
        {
            ["resourceType"] = "Encounter",
            ["status"] = "finished",
            ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = code, ["display"] = display },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{booking.Patient}" },
            ["participant"] = new JsonArray(new JsonObject { ["individual"] = new JsonObject { ["reference"] = $"Practitioner/{booking.Practitioner}" } }),
            ["period"] = new JsonObject { ["start"] = Iso(start), ["end"] = Iso(end) },
            ["reasonCode"] = new JsonArray(new JsonObject { ["text"] = reason.Trim() }),
            ["extension"] = new JsonArray(
                new JsonObject { ["url"] = FindingsUrl, ["valueString"] = findings.Trim() },
                new JsonObject { ["url"] = PlanUrl, ["valueString"] = plan.Trim() }),
        }.ToJsonString();
    }

    private static string Iso(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
