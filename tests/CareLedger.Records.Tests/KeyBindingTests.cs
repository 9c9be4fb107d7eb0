using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Client.Records;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Records;
using CareLedger.Vault.Records;

namespace CareLedger.Records.Tests;

/// <summary>
/// The client wraps a record key only for a public key that hashes to the account it is meant for. A stand-in
/// between the client and a real node answers one account's published key with another account's: the client
/// refuses, and the ledger gets nothing.
/// </summary>
public sealed class KeyBindingTests(DemoPeople p) : IClassFixture<DemoPeople>
{
    [Fact]
    public async Task AddRecord_WhenThePatientsKeyIsSubstituted_RefusesAndNothingReachesTheLedger()
    {
        var records = Substituting(p.Patient.Account, p.Pharmacist.Account);
        var before = RecordCount();
        var nonce = (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce;

        var refused = await Assert.ThrowsAsync<RecordException>(() => records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation()));

        Assert.Contains($"not {p.Patient.Account}'s", refused.Message);
        Assert.Equal(before, RecordCount());
        Assert.Equal(nonce, (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce);
    }

    [Fact]
    public async Task Grant_WhenTheGranteesKeyIsSubstituted_RefusesAndSendsNoGrant()
    {
        await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation());
        var records = Substituting(p.Doctor.Account, p.Pharmacist.Account);
        var grants = (await p.Records.As(p.Patient).GrantsAsync(p.Patient.Account)).Count;
        var nonce = (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce;

        await Assert.ThrowsAsync<RecordException>(() => records.GrantAsync(p.Patient, p.Doctor.Account.ToString(), null, "treatment", [],
            ["Observation"], DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Equal(grants, (await p.Records.As(p.Patient).GrantsAsync(p.Patient.Account)).Count);
        Assert.Equal(nonce, (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce);
    }

    [Fact]
    public async Task GrantToOrganisation_WhenAStaffMembersKeyIsSubstituted_RefusesAndSendsNoGrant()
    {
        var records = Substituting(p.Doctor.Account, p.Pharmacist.Account);
        var nonce = (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce;

        await Assert.ThrowsAsync<RecordException>(() => records.GrantAsync(p.Patient, null, "city-clinic", "treatment", [],
            ["Observation"], DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Equal(nonce, (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce);
    }

    [Fact]
    public async Task AddRecord_WithEmergencyAccess_WrapsTheCopyForTheOrganisationsNodeOnly()
    {
        using var observer = SigningKey.Generate();
        await new MembershipClient(p.Node.Client).RegisterAsync(p.ClinicAdmin, observer.Account, Roles.Service, "City Clinic observer");
        await p.Records.PublishKeyAsync(observer);

        var added = await p.Records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation());

        Assert.Equal([p.Node.Keys.Account], added.EmergencyHolders);
        Assert.NotNull(p.Node.Vault.GetKey(added.Record, p.Node.Keys.Account));
        Assert.Null(p.Node.Vault.GetKey(added.Record, observer.Account));
    }

    [Fact]
    public async Task AddRecord_ForAPatientWhoseOrganisationRunsNoNode_LeavesNoEmergencyCopy()
    {
        using var patient = SigningKey.Generate();
        await new MembershipClient(p.Node.Client).RegisterAsync(p.BoardAdmin, patient.Account, Roles.Patient, null);
        await p.Records.PublishKeyAsync(patient);

        var added = await p.Records.AddAsync(patient, patient.Account, DemoPeople.Observation());

        Assert.Empty(added.EmergencyHolders);
        Assert.Null(p.Node.Vault.GetKey(added.Record, p.Node.Keys.Account));
    }

    private int RecordCount() => p.Node.Store.Scan($"records/patient/{p.Patient.Account}/").Count();

    /// <summary>A records client whose node answers <paramref name="victim"/>'s published key with <paramref name="attacker"/>'s.</summary>
    private RecordsClient Substituting(AccountId victim, AccountId attacker)
    {
        var http = new HttpClient(new KeySubstitution(victim, attacker) { InnerHandler = new HttpClientHandler() }) { BaseAddress = p.Node.BaseAddress };
        return new RecordsClient(new NodeClient(http));
    }

    /// <summary>Between client and node: a request for one account's published key fetches another's.</summary>
    private sealed class KeySubstitution(AccountId victim, AccountId attacker) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var uri = request.RequestUri!.ToString();
            if (uri.Contains($"records/key/{victim}")) request.RequestUri = new Uri(uri.Replace(victim.ToString(), attacker.ToString()));
            return base.SendAsync(request, ct);
        }
    }
}
