using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Contracts.Tests.Support;

/// <summary>Builds a genesis document of organisations, members (each with a fresh key) and assets.</summary>
public sealed class ConsortiumBuilder
{
    public const string ChainId = "careledger-test";
    public const long GenesisTime = 1_800_000_000_000;

    private readonly List<object> _organisations = [];
    private readonly List<object> _members = [];
    private readonly List<object> _assets = [];
    private readonly Dictionary<string, SigningKey> _keys = new(StringComparer.Ordinal);
    private readonly List<object> _validators = [];

    /// <summary>A board that licenses, a clinic with a doctor and a patient, a pharmacy, and an insurer issuing CARE.</summary>
    public static ConsortiumBuilder Standard() => new ConsortiumBuilder()
        .WithOrganisation("medical-board", OrganisationKinds.LicensingAuthority)
        .WithMember("board-admin", "medical-board", Roles.Admin)
        .WithOrganisation("city-clinic", OrganisationKinds.Clinic)
        .WithMember("clinic-admin", "city-clinic", Roles.Admin)
        .WithMember("dr-rivera", "city-clinic", Roles.Practitioner)
        .WithMember("patient-jones", "city-clinic", Roles.Patient)
        .WithOrganisation("corner-pharmacy", OrganisationKinds.Pharmacy)
        .WithMember("pharmacy-admin", "corner-pharmacy", Roles.Admin)
        .WithMember("pharmacist-chen", "corner-pharmacy", Roles.Pharmacist)
        .WithOrganisation("care-insurance", OrganisationKinds.Insurer)
        .WithMember("insurer-admin", "care-insurance", Roles.Admin)
        .WithAsset("CARE", "care-insurance");

    public ConsortiumBuilder WithOrganisation(string id, string kind)
    {
        _organisations.Add(new CborMap { ["id"] = id, ["name"] = $"Organisation {id}", ["kind"] = kind });
        return this;
    }

    public ConsortiumBuilder WithMember(string keyName, string organisation, string role)
    {
        var key = SigningKey.Generate();
        _keys.Add(keyName, key);
        var member = new CborMap { ["account"] = key.Account.ToString(), ["org"] = organisation, ["role"] = role };
        if (role != Roles.Patient) member["name"] = keyName; // patients are never named on the ledger
        _members.Add(member);
        return this;
    }

    /// <summary>A validator node of <paramref name="organisation"/>: a service member whose key signs blocks. Without any, one anonymous validator.</summary>
    public ConsortiumBuilder WithValidator(string keyName, string organisation)
    {
        WithMember(keyName, organisation, Roles.Service);
        _validators.Add(_keys[keyName].PublicKey);
        return this;
    }

    public ConsortiumBuilder WithAsset(string symbol, string issuer)
    {
        _assets.Add(new CborMap { ["symbol"] = symbol, ["name"] = $"{symbol} credit", ["issuer"] = issuer });
        return this;
    }

    public GenesisDocument Genesis() => new(new CborMap
    {
        ["chainId"] = ChainId,
        ["time"] = GenesisTime,
        ["validators"] = _validators.Count > 0 ? _validators : new List<object> { Validator.PublicKey },
        ["organisations"] = _organisations,
        ["members"] = _members,
        ["assets"] = _assets,
    });

    public TestConsortium Build() => new(Genesis(), new Dictionary<string, SigningKey>(_keys, StringComparer.Ordinal));

    private static SigningKey Validator { get; } = SigningKey.Generate();
}
