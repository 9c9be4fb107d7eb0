using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Node.Chain;
using Hl7.Fhir.Model;

namespace CareLedger.Node.Fhir;

/// <summary>
/// The patient's grants on the ledger as FHIR Consent. A practitioner sees the grants made to them
/// or to their organisation, not the patient's other grants. Consent is read-only here: a grant is
/// a transaction signed with the patient's own key, which this node never holds.
/// </summary>
public static class ConsentApi
{
    public static IResult Search(HttpRequest request, Custodian custodian, LedgerReader ledger) => SearchIn(request, custodian, ledger, null);

    /// <param name="compartment">The patient of a compartment search, Patient/{accountId}/Consent.</param>
    public static IResult SearchIn(HttpRequest request, Custodian custodian, LedgerReader ledger, AccountId? compartment)
    {
        var (criteria, invalid) = SearchCriteria.Parse("Consent", request.Query, compartment);
        if (criteria is null) return invalid!;

        var state = ledger.State;
        var now = ledger.Now;
        var bundle = FhirApi.Searchset(request);
        var (matches, next) = SearchPaging.Collect(state, ConsentGrant.Of(criteria.Patient), criteria, (_, grant) =>
            grant.Grantee == custodian.Account || grant.GranteeOrg == custodian.Member.Organisation ? ToConsent(grant, state, now) : null);
        SearchPaging.Fill(bundle, request, matches, next);
        return new FhirResult(bundle, StatusCodes.Status200OK);
    }

    public static FhirResult Create() => Outcomes.MethodNotAllowed(
        "Consent cannot be created here: a grant is a ledger transaction signed with the patient's own key, which this node does not hold. " +
        "The patient grants access from their own app (careledger CLI, the portal, or the client SDK's RecordsClient.GrantAsync); the grant then appears here as a Consent.",
        "GET");

    public static Consent ToConsent(ConsentGrant grant, ContractState state, long now)
    {
        var (created, revoked, expiry) = (grant.Created, grant.Revoked, grant.Expiry);
        var provision = new Consent.provisionComponent
        {
            Type = Consent.ConsentProvisionType.Permit,
            Period = new Period(At(created), At(expiry)),
            Actor = [new Consent.provisionActorComponent
            {
                Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"),
                Reference = Grantee(grant, state),
            }],
            Action = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentaction", "access", "Access")],
            Purpose = PurposeOfUse.Codings(grant.Purpose).ToList(),
            Class = grant.Types.Select(t => new Coding("http://hl7.org/fhir/resource-types", t)).ToList(),
        };
        foreach (var record in grant.Records)
            provision.Data.Add(new Consent.provisionDataComponent
            {
                Meaning = Consent.ConsentDataMeaning.Instance,
                Reference = new ResourceReference($"{state.Get(MedicalRecord.Key(record))?.Type ?? "Resource"}/{record}"),
            });

        return new Consent
        {
            Id = grant.Id,
            Meta = new Meta { VersionId = revoked ? "2" : "1", LastUpdated = DateTimeOffset.FromUnixTimeMilliseconds(revoked ? grant.RevokedAt : created) },
            Status = revoked || expiry <= now ? Consent.ConsentState.Inactive : Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", "Privacy Consent"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0", "Patient Consent")],
            Patient = new ResourceReference($"Patient/{grant.Patient}"),
            DateTimeElement = At(created),
            PolicyRule = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN", "opt-in"),
            Provision = provision,
        };
    }

    private static ResourceReference Grantee(ConsentGrant grant, ContractState state)
    {
        if (grant.GranteeOrg is { } org)
            return new ResourceReference { Type = "Organization", Identifier = new Identifier(RecordResources.OrganisationSystem, org), Display = Members.FindOrganisation(state, org)?.Name };
        var account = grant.Grantee!.Value;
        var member = Members.FindMember(state, account);
        return RecordResources.Account(account.ToString(), member?.Name, member?.Role == Roles.Practitioner ? "Practitioner" : null);
    }

    private static FhirDateTime At(long unixMs) => new(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));
}
