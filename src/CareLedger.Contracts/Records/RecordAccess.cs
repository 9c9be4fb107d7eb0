using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Records;

/// <summary>Why a read or write is allowed (the purpose, and the grant behind it) or refused.</summary>
public sealed record AccessDecision(bool Allowed, string Reason, string? Purpose, string? GrantId)
{
    public static AccessDecision Deny(string reason) => new(false, reason, null, null);
}

/// <summary>
/// The consent rules, read from state as of a block time: who may read or add to a patient's
/// records. The node asks them before serving ciphertext; the contract asks them before writing.
/// </summary>
public static class RecordAccess
{
    public static AccessDecision CheckRead(ContractState state, string recordId, AccountId reader, long time)
    {
        if (state.Get(RecordsContract.RecordPrefix + recordId) is not { } record) return AccessDecision.Deny($"no record {recordId}");
        if (record.GetBool("erased")) return AccessDecision.Deny("the record was erased by the patient");
        var patient = AccountId.Parse(record.GetText("patient"));
        if (reader == patient) return new(true, "the patient's own record", "patient", null);
        return FindGrant(state, patient, reader, time, g => Covers(g, recordId, record.GetText("type")),
            "no grant from the patient covers this record");
    }

    /// <summary>May <paramref name="author"/> add or update a record of this type for the patient?</summary>
    public static AccessDecision CheckWrite(ContractState state, AccountId patient, AccountId author, string type, string? recordId, long time)
    {
        if (author == patient) return new(true, "the patient's own record", "patient", null);
        var member = Members.FindMember(state, author);
        if (member?.Role == Roles.Practitioner && LicensingContract.Check(state, author, time) is { IsOk: false } licence)
            return AccessDecision.Deny($"unlicensed practitioner: {licence.Error}");
        // A treatment grant covers the types or records it names; a second-opinion grant lets its
        // practitioner add one kind of record: their written opinion, as a DocumentReference.
        return FindGrant(state, patient, author, time,
            g => (g.GetText("purpose") == Purposes.Treatment && Covers(g, recordId, type))
                 || (g.GetText("purpose") == Purposes.SecondOpinion && recordId is null && type == OpinionType && member?.Role == Roles.Practitioner),
            "no treatment grant from the patient covers this record type");
    }

    /// <summary>The record type a second opinion is written as.</summary>
    public const string OpinionType = "DocumentReference";

    /// <summary>Break-glass: a practitioner licensed at this time may read in an emergency, openly logged.</summary>
    public static AccessDecision CheckBreakGlass(ContractState state, AccountId reader, long time)
    {
        var member = Members.FindMember(state, reader);
        if (member?.Role != Roles.Practitioner) return AccessDecision.Deny("only practitioners may use emergency access");
        var licence = LicensingContract.Check(state, reader, time);
        return licence.IsOk ? new(true, "emergency access by a licensed practitioner", Purposes.Emergency, null) : AccessDecision.Deny($"emergency access refused: {licence.Error}");
    }

    private static AccessDecision FindGrant(ContractState state, AccountId patient, AccountId reader, long time, Func<CborMap, bool> covers, string noneReason)
    {
        var member = Members.FindMember(state, reader);
        string? nearMiss = null;
        foreach (var (_, grant) in state.Scan($"{RecordsContract.GrantPrefix}{patient}/"))
        {
            var toReader = IsGrantee(grant, reader, member);
            if (!toReader || !covers(grant)) continue;
            if (grant.GetBool("revoked")) { nearMiss ??= $"grant {grant.GetText("id")} was revoked"; continue; }
            if (grant.GetInt("expiry") <= time) { nearMiss ??= $"grant {grant.GetText("id")} expired"; continue; }
            return new(true, $"grant {grant.GetText("id")}", grant.GetText("purpose"), grant.GetText("id"));
        }
        return AccessDecision.Deny(nearMiss ?? noneReason);
    }

    /// <summary>
    /// Whether a grant names this reader: directly, or through their organisation — and then only
    /// for the organisation's clinical staff, never its other patients, admins or services.
    /// </summary>
    public static bool IsGrantee(CborMap grant, AccountId reader, Member? member) =>
        grant.TryGetText("grantee") == reader.ToString()
        || (member is not null && OrganisationGranteeRoles.Contains(member.Role) && grant.TryGetText("granteeOrg") == member.Organisation);

    public static readonly IReadOnlyList<string> OrganisationGranteeRoles = [Roles.Practitioner, Roles.Pharmacist];

    private static bool Covers(CborMap grant, string? recordId, string type) =>
        (recordId is not null && grant.GetList("records").Contains(recordId)) || TypeCovered(grant, type);

    private static bool TypeCovered(CborMap grant, string type) => grant.GetList("types").Contains(type);
}

/// <summary>Why someone may read a patient's records.</summary>
public static class Purposes
{
    public const string Treatment = "treatment";
    public const string SecondOpinion = "second-opinion";
    public const string Research = "research";
    public const string PublicHealth = "public-health";
    public const string Emergency = "emergency";

    public static readonly IReadOnlyList<string> Grantable = [Treatment, SecondOpinion, Research, PublicHealth];
}
