using System.Text.Json.Serialization;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Membership;

/// <summary>A consortium member as recorded on the ledger, at membership/member/{account}.</summary>
public sealed record Member(AccountId Account, [property: JsonPropertyName("org")] string Organisation, string Role, string Name) : ICborRecord<Member>
{
    public const string KeyPrefix = "membership/member/";

    public static StatePrefix<Member> All { get; } = new(KeyPrefix);

    public static StateKey<Member> Key(AccountId account) => new(KeyPrefix + account);

    public CborMap ToCbor() => new() { ["account"] = Account.ToString(), ["org"] = Organisation, ["role"] = Role, ["name"] = Name };

    public static Member FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new Member(f.Account("account"), f.Text("org"), f.Text("role"), f.Text("name")));

    /// <summary>A member as the genesis document lists it: the same fields, the name optional.</summary>
    public static Member FromGenesis(CborMap map) =>
        CborFields.Read(map, static f => new Member(f.Account("account"), f.Text("org"), f.Text("role"), f.OptionalText("name") ?? ""));
}

/// <summary>
/// A member of an organisation's staff (any role but patient), at membership/staff/{org}/{account}: the organisation's index
/// of its staff, so that listing them reads that organisation's staff only. The member's record is the truth; this follows it.
/// </summary>
public sealed record StaffSeat(string Role) : ICborRecord<StaffSeat>
{
    public const string KeyPrefix = "membership/staff/";

    public static StatePrefix<StaffSeat> Of(string organisation) => new($"{KeyPrefix}{organisation}/");

    public static StateKey<StaffSeat> Key(string organisation, AccountId account) => new($"{KeyPrefix}{organisation}/{account}");

    public CborMap ToCbor() => new() { ["role"] = Role };

    public static StaffSeat FromCbor(CborMap map) => CborFields.Read(map, static f => new StaffSeat(f.Text("role")));
}

/// <summary>An organisation of the consortium, at membership/org/{id}; the genesis document lists them in the same form.</summary>
public sealed record Organisation(string Id, string Name, string Kind) : ICborRecord<Organisation>
{
    public const string KeyPrefix = "membership/org/";

    public static StatePrefix<Organisation> All { get; } = new(KeyPrefix);

    public static StateKey<Organisation> Key(string id) => new(KeyPrefix + id);

    public CborMap ToCbor() => new() { ["id"] = Id, ["name"] = Name, ["kind"] = Kind };

    public static Organisation FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new Organisation(f.Text("id"), f.Text("name"), f.Text("kind")));
}

/// <summary>A validator, at membership/validator/{account}: its node's public key (SubjectPublicKeyInfo) and its organisation.</summary>
public sealed record Validator(
    [property: JsonPropertyName("key"), JsonConverter(typeof(CborBytesJsonConverter))] byte[] PublicKey,
    [property: JsonPropertyName("org")] string Organisation) : ICborRecord<Validator>
{
    public const string KeyPrefix = "membership/validator/";

    public static StatePrefix<Validator> All { get; } = new(KeyPrefix);

    public static StateKey<Validator> Key(AccountId account) => new(KeyPrefix + account);

    public CborMap ToCbor() => new() { ["key"] = PublicKey, ["org"] = Organisation };

    public static Validator FromCbor(CborMap map) => CborFields.Read(map, static f => new Validator(f.Bytes("key"), f.Text("org")));
}

/// <summary>
/// A proposal to change the validator set, at membership/validator-proposal/{id}: a validator to
/// join (with its organisation, which is created if new, and its node's key) or to leave, and the
/// organisations that approved it so far. Its JSON is its CBOR form: the join's fields stand beside the others.
/// </summary>
[JsonConverter(typeof(CborRecordJsonConverter<ValidatorProposal>))]
public sealed record ValidatorProposal(string Change, AccountId Validator, AccountId Proposer, IReadOnlyList<string> Approvals, string Status, ValidatorJoin? Join)
    : ICborRecord<ValidatorProposal>
{
    public const string KeyPrefix = "membership/validator-proposal/";
    public const string Joins = "join";
    public const string Leaves = "leave";
    public const string Open = "open";
    public const string Applied = "applied";

    public static StateKey<ValidatorProposal> Key(string id) => new(KeyPrefix + id);

    public CborMap ToCbor()
    {
        var map = new CborMap
        {
            ["change"] = Change, ["validator"] = Validator.ToString(), ["proposer"] = Proposer.ToString(), ["approvals"] = Approvals, ["status"] = Status,
        };
        if (Join is { } join)
        {
            map["org"] = join.Organisation;
            map["name"] = join.Name;
            map["kind"] = join.Kind;
            map["key"] = join.PublicKey;
        }
        return map;
    }

    /// <summary>The fields of <see cref="Join"/> come together or not at all.</summary>
    public static ValidatorProposal FromCbor(CborMap map) => CborFields.Read(map, static f =>
    {
        var join = f.OptionalText("org") is { } org ? new ValidatorJoin(org, f.Text("name"), f.Text("kind"), f.Bytes("key")) : null;
        return new ValidatorProposal(f.Text("change"), f.Account("validator"), f.Account("proposer"), f.Texts("approvals"), f.Text("status"), join);
    });
}

/// <summary>What a proposal to join adds: the organisation (with the name and kind it gets if new) and the node's key.</summary>
public sealed record ValidatorJoin(string Organisation, string Name, string Kind, byte[] PublicKey);
