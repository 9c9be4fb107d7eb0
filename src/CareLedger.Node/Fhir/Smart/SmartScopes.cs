using CareLedger.Vault.Fhir;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// What a SMART scope string asks for, as far as this server can give it (ADR 0025): patient-level reads of record types.
/// <c>patient/Observation.rs</c> (v2: read and search), <c>.r</c>, <c>.s</c> and v1's <c>.read</c> are reads; <c>patient/*.rs</c>
/// is every record type. Writes (<c>c</c>, <c>u</c>, <c>d</c>, v1 <c>.write</c>), user- and system-level scopes are not granted and
/// left out of the answer's scope, as RFC 6749 §3.3 allows; <c>launch/patient</c>, <c>openid</c> and <c>fhirUser</c> are context
/// requests that are kept (the token answer names the patient) or ignored. Granular v2 scopes (<c>?category=…</c>) are not granted.
/// <c>offline_access</c> or <c>online_access</c> asks for a refresh token (<see cref="Refresh"/>; offline wins if both are asked).
/// </summary>
public sealed record SmartScopes(IReadOnlySet<string> Types, bool LaunchPatient, string? Refresh = null)
{
    public const string OfflineAccess = "offline_access";
    public const string OnlineAccess = "online_access";

    public static readonly IReadOnlyList<string> Supported =
        ["launch/patient", OfflineAccess, OnlineAccess, "patient/*.rs", .. FhirResources.RecordTypes.Order().Select(t => $"patient/{t}.rs"), "patient/*.read"];

    public static SmartScopes Parse(string scope)
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        var launch = false;
        string? refresh = null;
        foreach (var item in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (item == "launch/patient") { launch = true; continue; }
            if (item is OfflineAccess or OnlineAccess) { refresh = refresh == OfflineAccess ? refresh : item; continue; }
            // A v2 granular scope (patient/Observation.rs?category=…) asks for less than the type: this server cannot narrow a grant
            // that way, so it grants none of it rather than more than was asked.
            if (!item.StartsWith("patient/", StringComparison.Ordinal) || item.Contains('?')) continue;
            var dot = item.LastIndexOf('.');
            if (dot < 0) continue;
            var (type, permissions) = (item["patient/".Length..dot], item[(dot + 1)..]);
            if (!Reads(permissions)) continue;
            if (type == "*") types.UnionWith(FhirResources.RecordTypes);
            else if (FhirResources.RecordTypes.Contains(type)) types.Add(type);
        }
        return new SmartScopes(types, launch, refresh);
    }

    /// <summary>The scope string granted for these types: v2 reads of each type, and launch/patient and the refresh scope if asked.</summary>
    public string Granted(IEnumerable<string> types) =>
        string.Join(' ', (LaunchPatient ? ["launch/patient"] : Array.Empty<string>()).Concat(Refresh is null ? [] : [Refresh]).Concat(types.Order().Select(t => $"patient/{t}.rs")));

    // v2's permissions are a subset of "cruds" in that order; v1 has "read", "write" and "*".
    private static bool Reads(string permissions) => permissions switch
    {
        "read" or "*" => true,
        "write" => false,
        _ => permissions.Length > 0 && permissions.All(c => "cruds".Contains(c)) && (permissions.Contains('r') || permissions.Contains('s')),
    };
}
