namespace CareLedger.Contracts.Membership;

/// <summary>What an organisation is in the consortium.</summary>
public static class OrganisationKinds
{
    public const string LicensingAuthority = "licensing-authority";
    public const string Clinic = "clinic";
    public const string Pharmacy = "pharmacy";
    public const string Laboratory = "laboratory";
    public const string Insurer = "insurer";
    public const string PublicHealth = "public-health";
    public const string Research = "research";
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [LicensingAuthority, Clinic, Pharmacy, Laboratory, Insurer, PublicHealth, Research, Operator];
}

/// <summary>What a person or service is within their organisation.</summary>
public static class Roles
{
    public const string Patient = "patient";
    public const string Practitioner = "practitioner";
    public const string Pharmacist = "pharmacist";
    public const string Researcher = "researcher";
    public const string Service = "service";
    public const string Admin = "admin";
    /// <summary>A regulator's auditor: verifies the whole chain and reads pseudonymous metadata, every read logged by the node.</summary>
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> All = [Patient, Practitioner, Pharmacist, Researcher, Service, Admin, Auditor];

    /// <summary>The kinds of organisation whose admins may appoint auditors.</summary>
    public static readonly IReadOnlyList<string> AuditingKinds = [OrganisationKinds.LicensingAuthority, OrganisationKinds.PublicHealth];
}
