using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// A consortium for the services contract: a board that licenses, a clinic with three doctors and
/// patients, a laboratory, an insurer issuing CARE, the platform operator that collects the fee and
/// an ombudsman that arbitrates. The terms are those of <see cref="StandardTerms"/> unless changed.
/// </summary>
public sealed class ServicesWorld
{
    public const string Asset = "CARE";
    public const long Price = 100;
    public const long FeeBps = 1_000;
    public const long T0 = ConsortiumBuilder.GenesisTime;
    public const long SlotMinutes = 30;

    public static readonly string[] Doctors = ["dr-rivera", "dr-okafor", "dr-sato"];

    private readonly List<object> _organisations = [];
    private readonly List<object> _members = [];
    private readonly Dictionary<string, SigningKey> _keys = new(StringComparer.Ordinal);
    private CborMap? _terms = StandardTerms();
    private bool _encounterGrants = true;

    public ServicesWorld()
    {
        Organisation("medical-board", OrganisationKinds.LicensingAuthority).Member("board-admin", "medical-board", Roles.Admin);
        Organisation("city-clinic", OrganisationKinds.Clinic).Member("clinic-admin", "city-clinic", Roles.Admin);
        foreach (var doctor in Doctors) Member(doctor, "city-clinic", Roles.Practitioner);
        Member("patient-jones", "city-clinic", Roles.Patient).Member("patient-lee", "city-clinic", Roles.Patient);
        Organisation("central-lab", OrganisationKinds.Laboratory).Member("lab-admin", "central-lab", Roles.Admin).Member("lab-tech", "central-lab", Roles.Practitioner);
        Organisation("care-insurance", OrganisationKinds.Insurer).Member("insurer-admin", "care-insurance", Roles.Admin);
        Organisation("platform", OrganisationKinds.Operator).Member("operator-admin", "platform", Roles.Admin);
        Organisation("care-ombudsman", OrganisationKinds.PublicHealth).Member("ombudsman", "care-ombudsman", Roles.Admin);
    }

    /// <summary>A 10% fee to "platform", disputes to "care-ombudsman", 24 hours' free cancellation then 50% back, 48 hours to acknowledge, 15 minutes' grace.</summary>
    public static CborMap StandardTerms() => new()
    {
        ["platformFeeBps"] = FeeBps, ["operator"] = "platform", ["arbitrator"] = "care-ombudsman", ["freeCancellationHours"] = 24L,
        ["lateRefundPercent"] = 50L, ["acknowledgementHours"] = 48L, ["noShowGraceMinutes"] = 15L,
    };

    /// <summary>The start of the n-th of dr-rivera's standard slots: on the hour, from three days after genesis.</summary>
    public static long Slot(int n) => T0 + 3 * Day + n * Hour;

    /// <summary>Terms in genesis, or none at all (null) to get the defaults.</summary>
    public ServicesWorld WithTerms(CborMap? terms)
    {
        _terms = terms;
        return this;
    }

    /// <summary>Adds patients named patient-0000, patient-0001, ...</summary>
    /// <summary>Patients give no doctor any grant: what a doctor may write follows from bookings alone.</summary>
    public ServicesWorld WithoutEncounterGrants()
    {
        _encounterGrants = false;
        return this;
    }

    public ServicesWorld WithPatients(int count)
    {
        for (var i = 0; i < count; i++) Member(PatientName(i), "city-clinic", Roles.Patient);
        return this;
    }

    public static string PatientName(int i) => $"patient-{i:D4}";

    public ServicesWorld Organisation(string id, string kind)
    {
        _organisations.Add(new CborMap { ["id"] = id, ["name"] = $"Organisation {id}", ["kind"] = kind });
        return this;
    }

    private readonly List<string> _patients = [];

    public ServicesWorld Member(string keyName, string organisation, string role)
    {
        var key = SigningKey.Generate();
        _keys.Add(keyName, key);
        var member = new CborMap { ["account"] = key.Account.ToString(), ["org"] = organisation, ["role"] = role };
        if (role != Roles.Patient) member["name"] = keyName; // patients are never named on the ledger
        else _patients.Add(keyName);
        _members.Add(member);
        return this;
    }

    public GenesisDocument Genesis()
    {
        var map = new CborMap
        {
            ["chainId"] = ConsortiumBuilder.ChainId, ["time"] = T0, ["validators"] = new List<object> { Validator.PublicKey },
            ["organisations"] = _organisations, ["members"] = _members,
            ["assets"] = new List<object> { new CborMap { ["symbol"] = Asset, ["name"] = "CARE credit", ["issuer"] = "care-insurance" } },
        };
        if (_terms is not null) map["services"] = _terms;
        return new GenesisDocument(map);
    }

    /// <summary>The bare chain: members only, no licences, no money.</summary>
    public TestConsortium Build() => new(Genesis(), new Dictionary<string, SigningKey>(_keys, StringComparer.Ordinal));

    /// <summary>
    /// The chain ready for business: every practitioner licensed for a year, each patient holding
    /// 1,000 CARE and giving every doctor a treatment grant for Encounters, the insurer holding
    /// 10,000 CARE, and dr-rivera offering video and on-site consultations at 100 CARE in ten
    /// half-hour slots (<see cref="Slot"/> 0-9).
    /// </summary>
    public TestConsortium Open()
    {
        var chain = Build();
        var patients = _patients;
        var setup = new List<Ledger.Transactions.Transaction>();
        foreach (var practitioner in Doctors.Append("lab-tech"))
            setup.Add(chain.Sign("board-admin", "licensing", "issue", LicenceIssue.For(chain.Account(practitioner), T0).ToArgs()));
        setup.Add(chain.Sign("insurer-admin", "tokens", "mint", new CborMap { ["asset"] = Asset, ["to"] = chain.Account("insurer-admin").ToString(), ["amount"] = 10_000L }));
        foreach (var patient in patients)
        {
            setup.Add(chain.Sign("insurer-admin", "tokens", "mint", new CborMap { ["asset"] = Asset, ["to"] = chain.Account(patient).ToString(), ["amount"] = 1_000L }));
            if (_encounterGrants)
                foreach (var doctor in Doctors.Append("lab-tech")) setup.Add(chain.GrantSign(patient, doctor, "treatment", types: ["Encounter"]));
        }
        AssertAllValid(chain.Commit(setup));
        Verdict.Valid(chain.PublishProfile("dr-rivera"));
        Verdict.Valid(chain.AddSlots("dr-rivera", Enumerable.Range(0, 10).Select(Slot)));
        return chain;
    }

    public static void AssertAllValid(ExecutedBlock block)
    {
        foreach (var result in block.Results) Verdict.Valid(result);
    }

    private static SigningKey Validator { get; } = SigningKey.Generate();
}
