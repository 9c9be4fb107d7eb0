using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;

namespace CareLedger.Contracts.Tests.Membership;

/// <summary>
/// Every block header commits to each organisation's complete staff list and to the validators (the directory), so a
/// list a node gives can be checked: an added, changed or missing entry no longer leads to the header's root.
/// </summary>
public sealed class DirectoryTests : IDisposable
{
    private const string ClinicStaff = StaffSeat.KeyPrefix + "city-clinic/";

    private readonly TestConsortium _chain = ConsortiumBuilder.Standard().Build();

    public void Dispose() => _chain.Dispose();

    private DirectoryProof Prove(string group) => StateDirectory.Prove(_chain.State, group) ?? throw new InvalidOperationException($"no group {group}");

    private static StaffSeat Seat(KeyValuePair<string, byte[]> entry) => StaffSeat.FromCbor(CborMap.Decode(entry.Value));

    [Fact]
    public void TheClinicsStaffList_AtGenesis_IsProvenAgainstTheHeadersDirectoryRoot_AndHoldsNoPatient()
    {
        var proof = Prove(ClinicStaff);

        Assert.Null(proof.Check(_chain.Head.DirectoryRoot));
        var seats = proof.Entries.Select(Seat).ToList();
        Assert.Contains(seats, s => s.Account == _chain.Account("dr-rivera") && s.Role == Roles.Practitioner);
        Assert.DoesNotContain(seats, s => s.Account == _chain.Account("patient-jones"));
        Assert.All(seats, s => Assert.NotEqual(Roles.Patient, s.Role));
    }

    [Fact]
    public void RegisteringAPractitioner_ChangesTheRoot_AndOnlyTheNewListProvesAgainstIt()
    {
        var before = Prove(ClinicStaff);
        var newcomer = _chain.Outsider("newcomer");

        Verdict.Valid(_chain.Register("clinic-admin", newcomer, Roles.Practitioner, "Dr. Newcomer"));

        var after = Prove(ClinicStaff);
        Assert.Null(after.Check(_chain.Head.DirectoryRoot));
        Assert.Contains(after.Entries.Select(Seat), s => s.Account == newcomer);
        Assert.NotNull(before.Check(_chain.Head.DirectoryRoot));
    }

    [Fact]
    public void RegisteringAPatient_LeavesTheDirectoryRootAsItWas()
    {
        var root = _chain.Head.DirectoryRoot;

        Verdict.Valid(_chain.Register("clinic-admin", _chain.Outsider("new-patient"), Roles.Patient));

        Assert.Equal(root, _chain.Head.DirectoryRoot);
    }

    [Fact]
    public void RemovingAMember_TakesThemOutOfTheProvenList()
    {
        var rivera = _chain.Account("dr-rivera");

        Verdict.Valid(_chain.Submit("clinic-admin", "membership", "remove", new CborMap { ["account"] = rivera.ToString() }));

        var proof = Prove(ClinicStaff);
        Assert.Null(proof.Check(_chain.Head.DirectoryRoot));
        Assert.DoesNotContain(proof.Entries.Select(Seat), s => s.Account == rivera);
        Assert.Null(_chain.Get(StaffSeat.Key("city-clinic", rivera)));
    }

    [Fact]
    public void AListWithAnAddedEntry_ALeftOutEntry_OrAChangedRole_DoesNotProve()
    {
        var proof = Prove(ClinicStaff);
        var root = _chain.Head.DirectoryRoot;
        var intruder = _chain.Outsider("intruder");
        var added = proof.Entries.Append(new(StaffSeat.Key("city-clinic", intruder).Value, new StaffSeat(intruder, Roles.Practitioner).ToCbor().Encode()))
            .OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        var changed = proof.Entries.Select((e, i) => i == 0 ? new(e.Key, (Seat(e) with { Role = Seat(e).Role == Roles.Admin ? Roles.Practitioner : Roles.Admin }).ToCbor().Encode()) : e).ToList();

        Assert.Contains("an entry was added, changed or left out", (proof with { Entries = added }).Check(root));
        Assert.Contains("an entry was added, changed or left out", (proof with { Entries = proof.Entries.Skip(1).ToList() }).Check(root));
        Assert.Contains("an entry was added, changed or left out", (proof with { Entries = changed }).Check(root));
        Assert.Contains("is not in group", (proof with { Entries = [new(StaffSeat.Key("other-org", intruder).Value, [0xA0])] }).Check(root));
    }

    [Fact]
    public void TheValidators_AreOneGroup_ProvenWithTheirKeys()
    {
        var proof = Prove(Validator.KeyPrefix);

        Assert.Null(proof.Check(_chain.Head.DirectoryRoot));
        Assert.Equal(_chain.Genesis.Map.GetList("validators").Count, proof.Entries.Count);
    }
}
