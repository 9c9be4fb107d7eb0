using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Prescriptions;

/// <summary>
/// A consortium for prescriptions: a board, a clinic with four doctors (dr-novak never licensed)
/// and two patients, two pharmacies (corner-pharmacy with two pharmacists, harbour-pharmacy with
/// one), and an insurer issuing CARE.
/// </summary>
public static class PrescriptionsWorld
{
    public const string Asset = "CARE";
    public const long T0 = ConsortiumBuilder.GenesisTime;
    public const string Corner = "corner-pharmacy";
    public const string Harbour = "harbour-pharmacy";

    public static readonly string[] Licensed = ["dr-rivera", "dr-okafor", "dr-sato", "pharmacist-chen", "pharmacist-ali", "pharmacist-diaz"];
    public static readonly string[] Patients = ["patient-jones", "patient-lee"];

    public static ConsortiumBuilder Builder() => new ConsortiumBuilder()
        .WithOrganisation("medical-board", OrganisationKinds.LicensingAuthority)
        .WithMember("board-admin", "medical-board", Roles.Admin)
        .WithOrganisation("city-clinic", OrganisationKinds.Clinic)
        .WithMember("clinic-admin", "city-clinic", Roles.Admin)
        .WithMember("dr-rivera", "city-clinic", Roles.Practitioner)
        .WithMember("dr-okafor", "city-clinic", Roles.Practitioner)
        .WithMember("dr-sato", "city-clinic", Roles.Practitioner)
        .WithMember("dr-novak", "city-clinic", Roles.Practitioner)
        .WithMember("patient-jones", "city-clinic", Roles.Patient)
        .WithMember("patient-lee", "city-clinic", Roles.Patient)
        .WithOrganisation(Corner, OrganisationKinds.Pharmacy)
        .WithMember("pharmacy-admin", Corner, Roles.Admin)
        .WithMember("pharmacist-chen", Corner, Roles.Pharmacist)
        .WithMember("pharmacist-ali", Corner, Roles.Pharmacist)
        .WithOrganisation(Harbour, OrganisationKinds.Pharmacy)
        .WithMember("harbour-admin", Harbour, Roles.Admin)
        .WithMember("pharmacist-diaz", Harbour, Roles.Pharmacist)
        .WithOrganisation("care-insurance", OrganisationKinds.Insurer)
        .WithMember("insurer-admin", "care-insurance", Roles.Admin)
        .WithAsset(Asset, "care-insurance");

    /// <summary>
    /// Every doctor but dr-novak and every pharmacist licensed for a year; each patient holding
    /// 1,000 CARE and giving dr-rivera, dr-okafor and dr-novak (not dr-sato) a treatment grant for
    /// medication records; the insurer admin holding 10,000 CARE.
    /// </summary>
    public static TestConsortium Open()
    {
        var chain = Builder().Build();
        var setup = new List<Transaction>();
        foreach (var name in Licensed)
            setup.Add(chain.Sign("board-admin", "licensing", "issue", LicenceIssue.For(chain.Account(name), T0).ToArgs()));
        setup.Add(chain.Sign("insurer-admin", "tokens", "mint", new CborMap { ["asset"] = Asset, ["to"] = chain.Account("insurer-admin").ToString(), ["amount"] = 10_000L }));
        foreach (var patient in Patients)
        {
            setup.Add(chain.Sign("insurer-admin", "tokens", "mint", new CborMap { ["asset"] = Asset, ["to"] = chain.Account(patient).ToString(), ["amount"] = 1_000L }));
            foreach (var doctor in new[] { "dr-rivera", "dr-okafor", "dr-novak" })
                setup.Add(chain.GrantSign(patient, doctor, "treatment", types: ["MedicationRequest", "MedicationStatement", "AllergyIntolerance"]));
        }
        foreach (var result in chain.Commit(setup).Results) Verdict.Valid(result);
        chain.Advance(Hour);
        return chain;
    }
}
