using System.Globalization;
using System.Text.Json.Nodes;

namespace CareLedger.Portal.Charts;

/// <summary>One measurement: when, how much, in what unit.</summary>
public sealed record Point(DateTimeOffset When, double Value, string Unit);

/// <summary>Measurements of one kind (by LOINC code or text), oldest first.</summary>
public sealed record Series(string Key, string Label, IReadOnlyList<Point> Points);

/// <summary>Reads measurements out of FHIR Observations (value, unit, time) and groups them by what they measure.</summary>
public static class Measurements
{
    /// <summary>The label of a measurement whose record names it neither by text nor display (a page shows it translated).</summary>
    public const string Unnamed = "Measurement";

    /// <summary>The measurement in an Observation's JSON, or null when it is not a dated quantity.</summary>
    public static (string Key, string Label, Point Point)? Read(string json)
    {
        try
        {
            var o = JsonNode.Parse(json);
            if (o?["resourceType"]?.GetValue<string>() != "Observation") return null;
            var value = o["valueQuantity"]?["value"]?.GetValue<double>();
            var when = o["effectiveDateTime"]?.GetValue<string>();
            if (value is null || when is null || !DateTimeOffset.TryParse(when, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return null;
            var coding = o["code"]?["coding"]?[0];
            var label = o["code"]?["text"]?.GetValue<string>() ?? coding?["display"]?.GetValue<string>() ?? Unnamed;
            var key = coding?["code"]?.GetValue<string>() ?? label;
            var unit = o["valueQuantity"]?["unit"]?.GetValue<string>() ?? o["valueQuantity"]?["code"]?.GetValue<string>() ?? "";
            return (key, label, new Point(at, value.Value, unit));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null; // not a measurement we can chart; it is still listed with the records
        }
    }

    public static IReadOnlyList<Series> Group(IEnumerable<(string Key, string Label, Point Point)> readings) =>
        [.. readings.GroupBy(r => r.Key)
            .Select(g => new Series(g.Key, g.First().Label, [.. g.Select(r => r.Point).OrderBy(p => p.When)]))
            .OrderByDescending(s => s.Points.Count)];
}
