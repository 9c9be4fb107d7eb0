using System.Text.Json.Nodes;

namespace CareLedger.Portal.Records;

/// <summary>A person's name as a FHIR Patient resource gives it: its first name's text, or its given names and family name.</summary>
public static class PatientName
{
    public static string? Of(string patientJson)
    {
        try
        {
            var name = JsonNode.Parse(patientJson)?["name"]?[0];
            if (name?["text"]?.GetValue<string>() is { Length: > 0 } text) return text;
            var given = name?["given"] is JsonArray parts ? string.Join(" ", parts.Select(p => p?.GetValue<string>())) : "";
            var full = $"{given} {name?["family"]?.GetValue<string>()}".Trim();
            return full.Length > 0 ? full : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null; // a Patient record we cannot read a name from: the portal greets them without one
        }
    }
}
