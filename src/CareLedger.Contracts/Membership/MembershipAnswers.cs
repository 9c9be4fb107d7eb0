using System.Text.Json.Serialization;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Membership;

/// <summary>The answer to membership.organisations: every organisation, in id order.</summary>
public sealed record OrganisationList(IReadOnlyList<Organisation> Organisations) : ICborRecord<OrganisationList>
{
    public CborMap ToCbor() => new() { ["organisations"] = CborRecord.List(Organisations) };

    public static OrganisationList FromCbor(CborMap map) => CborFields.Read(map, static f => new OrganisationList(f.Records<Organisation>("organisations")));
}

/// <summary>
/// The answer to membership.staff: an organisation's members other than its patients, in account order, a page of the
/// organisation's staff index (membership/staff/{org}/) at a time.
/// </summary>
public sealed record StaffList(IReadOnlyList<Member> Members, string Next) : ICborRecord<StaffList>, IQueryPage<Member>
{
    IReadOnlyList<Member> IQueryPage<Member>.Items => Members;

    public CborMap ToCbor() => new() { ["members"] = CborRecord.List(Members), ["next"] = Next };

    public static StaffList FromCbor(CborMap map) => CborFields.Read(map, static f => new StaffList(f.Records<Member>("members"), f.Text("next")));
}

/// <summary>The answer to membership.validators: the current validators, in account order.</summary>
public sealed record ValidatorList(IReadOnlyList<ValidatorSeat> Validators) : ICborRecord<ValidatorList>
{
    public CborMap ToCbor() => new() { ["validators"] = CborRecord.List(Validators) };

    public static ValidatorList FromCbor(CborMap map) => CborFields.Read(map, static f => new ValidatorList(f.Records<ValidatorSeat>("validators")));
}

/// <summary>One validator as membership.validators lists it: its account and organisation.</summary>
public sealed record ValidatorSeat(AccountId Account, [property: JsonPropertyName("org")] string Organisation) : ICborRecord<ValidatorSeat>
{
    public CborMap ToCbor() => new() { ["account"] = Account.ToString(), ["org"] = Organisation };

    public static ValidatorSeat FromCbor(CborMap map) => CborFields.Read(map, static f => new ValidatorSeat(f.Account("account"), f.Text("org")));
}

/// <summary>The answer to membership.invitations: an organisation's invitations, open and used, in id order.</summary>
public sealed record InvitationList(IReadOnlyList<Invitation> Invitations) : ICborRecord<InvitationList>
{
    public CborMap ToCbor() => new() { ["invitations"] = CborRecord.List(Invitations) };

    public static InvitationList FromCbor(CborMap map) => CborFields.Read(map, static f => new InvitationList(f.Records<Invitation>("invitations")));
}
