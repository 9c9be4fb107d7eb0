using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Tests.Membership;

public sealed class MembershipContractTests : IDisposable
{
    private readonly TestConsortium _chain = ConsortiumBuilder.Standard().Build();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Register_ByOrganisationAdmin_AddsMemberToTheAdminsOrganisation()
    {
        var newcomer = _chain.Outsider("newcomer");

        var result = _chain.Register("clinic-admin", newcomer, Roles.Practitioner, "Dr. Newcomer");

        Verdict.Valid(result);
        var registered = Assert.Single(result.Events);
        Assert.Equal("MemberRegistered", registered.Name);
        Assert.Equal("city-clinic", registered.Attributes.GetText("org"));
        var member = _chain.Query<Found<Member>>("membership", "member", new CborMap { ["account"] = newcomer.ToString() }).Value;
        Assert.Equal(new Member(newcomer, "city-clinic", Roles.Practitioner, "Dr. Newcomer"), member);
    }

    [Fact]
    public void Staff_FollowsRegistrationAndRemoval_AndNeverListsPatients()
    {
        var doctor = _chain.Outsider("newcomer");
        var patient = _chain.Outsider("new-patient");
        StaffList Staff() => _chain.Query<StaffList>("membership", "staff", new CborMap { ["org"] = "city-clinic" });

        Verdict.Valid(_chain.Register("clinic-admin", doctor, Roles.Practitioner, "Dr. Newcomer"));
        Verdict.Valid(_chain.Register("clinic-admin", patient, Roles.Patient));
        var registered = Staff().Members;
        Verdict.Valid(_chain.Remove("clinic-admin", doctor));
        var removed = Staff().Members;

        Assert.Contains(new Member(doctor, "city-clinic", Roles.Practitioner, "Dr. Newcomer"), registered);
        Assert.DoesNotContain(registered, m => m.Role == Roles.Patient || m.Account == patient);
        Assert.DoesNotContain(removed, m => m.Account == doctor);
        Assert.Equal(registered.Count - 1, removed.Count);
        Assert.Empty(_chain.Snapshot(StaffSeat.Key("city-clinic", doctor).Value));
    }

    [Fact]
    public void Register_APatientWithAName_IsRefused_ForTheLedgerCouldNeverEraseIt()
    {
        var named = _chain.Outsider("named");
        var unnamed = _chain.Outsider("unnamed");

        var refused = _chain.Register("clinic-admin", named, Roles.Patient, "Pat Newcomer");
        var registered = _chain.Register("clinic-admin", unnamed, Roles.Patient);

        Verdict.Refused(refused, "a patient's name is not put on the ledger");
        Verdict.Valid(registered);
        Assert.False(_chain.IsMember(named));
        Assert.Equal("", _chain.Query<Found<Member>>("membership", "member", new CborMap { ["account"] = unnamed.ToString() }).Value!.Name);
    }

    [Fact]
    public void Genesis_NamingAPatient_IsRefused()
    {
        var builder = ConsortiumBuilder.Standard();
        var patient = builder.Genesis().Map.GetList("members").Cast<CborMap>().First(m => m.GetText("role") == Roles.Patient);
        patient["name"] = "Pat Named";

        var refusal = Assert.ThrowsAny<Exception>(() => builder.Build());

        Assert.Contains("a patient's name is not put on the ledger", refusal.ToString());
    }

    [Fact]
    public void Register_NewMember_MayThenTransact()
    {
        var newcomer = _chain.Outsider("newcomer");
        var before = _chain.Runtime.CheckAdmission(_chain.State, _chain.Sign("newcomer", "tokens", "transfer", TransferArgs()), _chain.Time);

        Verdict.Valid(_chain.Register("clinic-admin", newcomer, Roles.Patient));

        Assert.Contains("not a member", before);
        Assert.Null(_chain.Runtime.CheckAdmission(_chain.State, _chain.Sign("newcomer", "tokens", "transfer", TransferArgs()), _chain.Time));
    }

    [Theory]
    [InlineData("dr-rivera")]
    [InlineData("patient-jones")]
    [InlineData("pharmacist-chen")]
    public void Register_ByMemberWhoIsNotAnAdmin_IsRefusedAndChangesNothing(string sender)
    {
        var newcomer = _chain.Outsider("newcomer");
        var before = _chain.Snapshot("membership/");

        var result = _chain.Register(sender, newcomer, Roles.Patient);

        Verdict.Refused(result, "only an organisation admin");
        Assert.Equal(before, _chain.Snapshot("membership/"));
        Assert.False(_chain.IsMember(newcomer));
    }

    [Fact]
    public void Register_AccountAlreadyInOwnOrganisation_IsRefused()
    {
        var result = _chain.Register("clinic-admin", _chain.Account("patient-jones"), Roles.Researcher);

        Verdict.Refused(result, "already a patient of city-clinic");
    }

    [Fact]
    public void Register_AccountAlreadyInAnotherOrganisation_IsRefusedAndKeepsTheOriginalRecord()
    {
        var before = _chain.Snapshot("membership/");

        var result = _chain.Register("pharmacy-admin", _chain.Account("patient-jones"), Roles.Patient);

        Verdict.Refused(result, "already");
        Assert.Equal(before, _chain.Snapshot("membership/"));
    }

    [Theory]
    [InlineData("surgeon")]
    [InlineData("Admin")]
    [InlineData("patient ")]
    public void Register_UnknownRole_IsRefused(string role)
    {
        var newcomer = _chain.Outsider("newcomer");

        var result = _chain.Register("clinic-admin", newcomer, role);

        Verdict.Refused(result, "unknown role");
        Assert.False(_chain.IsMember(newcomer));
    }

    [Fact]
    public void Remove_MemberOfOwnOrganisation_RemovesThemAndTheyMayNoLongerTransact()
    {
        var patient = _chain.Account("patient-jones");

        var result = _chain.Remove("clinic-admin", patient);

        Verdict.Valid(result);
        Assert.Equal("MemberRemoved", Assert.Single(result.Events).Name);
        Assert.False(_chain.IsMember(patient));
        Verdict.Refused(_chain.Submit("patient-jones", "tokens", "transfer", TransferArgs()), "not a member");
    }

    [Fact]
    public void Remove_MemberOfAnotherOrganisation_IsRefusedAndChangesNothing()
    {
        var before = _chain.Snapshot("membership/");

        var result = _chain.Remove("pharmacy-admin", _chain.Account("patient-jones"));

        Verdict.Refused(result, "only members of their own organisation");
        Assert.Equal(before, _chain.Snapshot("membership/"));
    }

    [Fact]
    public void Remove_ByMemberWhoIsNotAnAdmin_IsRefused()
    {
        var result = _chain.Remove("dr-rivera", _chain.Account("patient-jones"));

        Verdict.Refused(result, "only an organisation admin");
        Assert.True(_chain.IsMember(_chain.Account("patient-jones")));
    }

    [Fact]
    public void Remove_AdminThemselves_IsRefused()
    {
        var result = _chain.Remove("clinic-admin", _chain.Account("clinic-admin"));

        Verdict.Refused(result, "may not remove themselves");
    }

    [Fact]
    public void Remove_AccountThatIsNotAMember_IsRefused()
    {
        var result = _chain.Remove("clinic-admin", _chain.Outsider("stranger"));

        Verdict.Refused(result, "is not a member");
    }

    [Fact]
    public void Apply_SenderNotAMember_IsRefusedByTheRuntimeAndOnlyConsumesTheNonce()
    {
        var stranger = _chain.Outsider("stranger");
        var before = _chain.Snapshot("membership/");
        var tx = _chain.Sign("stranger", "membership", "register",
            new CborMap { ["account"] = _chain.Outsider("friend").ToString(), ["role"] = Roles.Admin });

        var admission = _chain.Runtime.CheckAdmission(_chain.State, tx, _chain.Time);
        var result = _chain.Commit(tx).Results[0];

        Assert.Contains("not a member", admission);
        Verdict.Refused(result, "not a member of the consortium");
        Assert.Equal(before, _chain.Snapshot("membership/"));
        Assert.Equal(1UL, ContractRuntime.LastNonce(_chain.State, stranger));
    }

    [Fact]
    public void Query_Organisations_ListsGenesisOrganisationsInIdOrder()
    {
        var answer = _chain.Query<OrganisationList>("membership", "organisations", new CborMap());

        var ids = answer.Organisations.Select(o => o.Id).ToList();
        Assert.Equal(["care-insurance", "city-clinic", "corner-pharmacy", "medical-board"], ids);
    }

    private CborMap TransferArgs() => new() { ["asset"] = "CARE", ["to"] = _chain.Account("dr-rivera").ToString(), ["amount"] = 1L };
}
