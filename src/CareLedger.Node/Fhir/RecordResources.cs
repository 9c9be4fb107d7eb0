using System.Text.RegularExpressions;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir;

/// <summary>
/// How records appear as FHIR resources. A record's FHIR id is its ledger record id (32 hex), its
/// versionId the ledger version. A patient is a ledger account: the reference "Patient/{accountId}"
/// (64 hex) names the account whose records these are, and is how a resource says whose it is.
/// </summary>
public static partial class RecordResources
{
    /// <summary>Identifier system for ledger account ids (SHA-256 of the account's public key, 64 lowercase hex).</summary>
    public const string AccountSystem = "urn:careledger:account";
    public const string OrganisationSystem = "urn:careledger:organisation";

    /// <summary>"Patient/{account}", relative or under an absolute base URL whose path segments are plain names (no "." or "..").</summary>
    [GeneratedRegex("^(?:https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9_-]+)*/)?Patient/([0-9a-f]{64})$")]
    private static partial Regex PatientReference();

    /// <summary>"Patient/{accountId}", an absolute URL ending so, or (for search) the bare account id.</summary>
    public static bool TryParsePatient(string? reference, out AccountId account)
    {
        account = default;
        if (reference is null) return false;
        var match = PatientReference().Match(reference);
        return AccountId.TryParse(match.Success ? match.Groups[1].Value : reference, out account);
    }

    /// <summary>The account a resource is about: its patient reference, or for a Patient its id or account identifier.</summary>
    public static bool TryPatientOf(Resource resource, out AccountId account)
    {
        if (TryParsePatient(FhirResources.SubjectReference(resource), out account)) return true;
        return resource is Patient p && TryParsePatient(p.Identifier.FirstOrDefault(i => i.System == AccountSystem)?.Value, out account);
    }

    public const string PatientMapping =
        "Name the patient as \"Patient/{accountId}\": the FHIR Patient id on this server is the patient's ledger account id (64 hex). " +
        "For a Patient resource, give that id or an identifier with system " + AccountSystem + ".";

    /// <summary>Sets id and meta from the ledger: the record id, the version and the time of its block.</summary>
    public static Resource Stamp(Resource resource, string recordId, long version, long time)
    {
        resource.Id = recordId;
        resource.Meta ??= new Meta();
        resource.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = DateTimeOffset.FromUnixTimeMilliseconds(time);
        return resource;
    }

    /// <summary>
    /// The server decides id and meta: whatever the client sent there is dropped before encryption.
    /// A Patient keeps its account as an identifier, since its id becomes the record id.
    /// </summary>
    public static void PrepareForStorage(Resource resource, AccountId patient)
    {
        if (resource is Patient p && !p.Identifier.Any(i => i.System == AccountSystem)) p.Identifier.Add(new Identifier(AccountSystem, patient.ToString()));
        resource.Id = null;
        if (resource.Meta is null) return;
        resource.Meta.VersionId = null;
        resource.Meta.LastUpdated = null;
        if (!resource.Meta.EnumerateElements().Any()) resource.Meta = null;
    }

    public static ResourceReference Account(string account, string? display = null, string? type = null) =>
        new() { Type = type, Identifier = new Identifier(AccountSystem, account), Display = display };
}
