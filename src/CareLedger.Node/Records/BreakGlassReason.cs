using System.Text;

namespace CareLedger.Node.Records;

/// <summary>
/// Why a practitioner breaks the glass, as sent beside the signed request that seals it: the text (UTF-8, base64 in
/// <see cref="TextHeader"/>) and the salt (<see cref="SaltHeader"/>). The node keeps them in the vault for the patient,
/// and the ledger only the seal (ADR 0011).
/// </summary>
public sealed record BreakGlassReason(string Text, string Salt)
{
    public const string TextHeader = "CareLedger-Break-Glass-Reason";
    public const string SaltHeader = "CareLedger-Break-Glass-Salt";

    /// <summary>The reason in a request's headers; null when absent or not base64 of UTF-8.</summary>
    public static BreakGlassReason? From(HttpRequest request)
    {
        var text = request.Headers[TextHeader].ToString();
        var salt = request.Headers[SaltHeader].ToString();
        if (text.Length == 0 || salt.Length == 0) return null;
        try { return new BreakGlassReason(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(text)), salt); }
        catch (Exception e) when (e is FormatException or DecoderFallbackException) { return null; }
    }
}
