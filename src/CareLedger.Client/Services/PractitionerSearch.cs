using System.Globalization;

namespace CareLedger.Client.Services;

/// <summary>
/// What a patient looks for; every criterion is optional. <c>MinRating</c> is in stars (0-5, one
/// decimal); <c>From</c>/<c>To</c> (Unix ms) ask for a free slot starting in that window.
/// </summary>
public sealed record PractitionerSearch(string? Specialty = null, string? Language = null, string? Mode = null, string? Asset = null,
    long? MaxPrice = null, decimal? MinRating = null, long? From = null, long? To = null)
{
    /// <summary>The query string of GET /v1/practitioners.</summary>
    public string ToQuery()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        Add("specialty", Specialty);
        Add("language", Language);
        Add("mode", Mode);
        Add("asset", Asset);
        Add("maxPrice", MaxPrice?.ToString(CultureInfo.InvariantCulture));
        Add("minRating", MinRating?.ToString(CultureInfo.InvariantCulture));
        Add("from", From?.ToString(CultureInfo.InvariantCulture));
        Add("to", To?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
