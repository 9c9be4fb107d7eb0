using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Client.Records;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Records;

namespace CareLedger.Records.Tests;

/// <summary>
/// The lists a record key is wrapped for — an organisation's staff, the validators holding emergency copies — are taken
/// only with a proof against a header a majority of the validators signed (ADR 0016). A stand-in between the client and
/// a real node slips an intruder into those lists: the client refuses, wraps nothing and sends nothing.
/// </summary>
public sealed class ListProofTests(DemoPeople p) : IClassFixture<DemoPeople>
{
    [Fact]
    public async Task GrantToOrganisation_WhenTheNodeSlipsAnIntruderIntoTheStaffList_RefusesAndSendsNoGrant()
    {
        using var intruder = await PublishedOutsiderAsync();
        var records = new RecordsClient(new NodeClient(Between(new AddsToList(StaffSeat.KeyPrefix + "city-clinic/", intruder.Account,
            new StaffSeat(intruder.Account, Roles.Practitioner).ToCbor().Encode()))));
        var nonce = (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce;

        var refused = await Assert.ThrowsAsync<RecordException>(() => records.GrantAsync(p.Patient, null, "city-clinic", "treatment", [],
            ["Observation"], DateTimeOffset.UtcNow.AddDays(1)));

        Assert.Contains("could not be checked against the chain", refused.Message);
        Assert.Equal(nonce, (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce);
    }

    [Fact]
    public async Task AddRecord_WhenTheNodeSlipsAFakeValidatorOfThePatientsOrganisation_RefusesAndNothingReachesTheLedger()
    {
        using var intruder = await PublishedOutsiderAsync();
        var records = new RecordsClient(new NodeClient(Between(new AddsToList(Validator.KeyPrefix, intruder.Account,
            new Validator(intruder.PublicKey, "city-clinic").ToCbor().Encode()))));
        var nonce = (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce;

        var refused = await Assert.ThrowsAsync<RecordException>(() => records.AddAsync(p.Patient, p.Patient.Account, DemoPeople.Observation()));

        Assert.Contains("could not be checked against the chain", refused.Message);
        Assert.Equal(nonce, (await p.Node.Client.GetAccountAsync(p.Patient.Account)).LastNonce);
    }

    [Fact]
    public async Task ProvenStaff_FromAnHonestNode_IsTheOrganisationsWholeStaff_AndFollowsARegistration()
    {
        var membership = new MembershipClient(new NodeClient(p.Node.BaseAddress));
        using var newcomer = SigningKey.Generate();

        var before = await membership.ProvenStaffAsync("city-clinic");
        await new MembershipClient(p.Node.Client).RegisterAsync(p.ClinicAdmin, newcomer.Account, Roles.Practitioner, "Dr. Newcomer");
        var after = await membership.ProvenStaffAsync("city-clinic");

        Assert.Contains(before, s => s.Account == p.Doctor.Account && s.Role == Roles.Practitioner);
        Assert.DoesNotContain(before, s => s.Account == p.Patient.Account);
        Assert.Equal(after.Select(s => s.Account).Order(), before.Select(s => s.Account).Append(newcomer.Account).Order());
    }

    [Fact]
    public async Task AProofOlderThanOneTheClientAlreadyChecked_IsRefused_ForItMayHideLaterChanges()
    {
        var replay = new ReplaysFirstAnswer(StaffSeat.KeyPrefix + "city-clinic/");
        var membership = new MembershipClient(new NodeClient(Between(replay)));
        await membership.ProvenStaffAsync("city-clinic");
        using var newcomer = SigningKey.Generate();
        await new MembershipClient(p.Node.Client).RegisterAsync(p.ClinicAdmin, newcomer.Account, Roles.Practitioner, "Dr. Later");
        await membership.ProvenValidatorsAsync();

        var refused = await Assert.ThrowsAsync<DirectoryProofException>(() => membership.ProvenStaffAsync("city-clinic"));

        Assert.Contains("older than block", refused.Message);
    }

    [Fact]
    public async Task TheDirectory_AnswersAnyoneForAGroup_ButABadGroupIsAProblemAndAnEmptyOneNotFound()
    {
        using var http = new HttpClient { BaseAddress = p.Node.BaseAddress };

        var staff = await http.GetFromJsonAsync<JsonObject>("v1/directory?group=membership/staff/city-clinic/");
        using var bad = await http.GetAsync("v1/directory?group=membership/member/");
        using var empty = await http.GetAsync("v1/directory?group=membership/staff/no-such-org/");

        Assert.Contains(staff!["entries"]!.AsArray(), e => e!["key"]!.GetValue<string>().EndsWith(p.Doctor.Account.ToString()));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, empty.StatusCode);
    }

    /// <summary>An outsider with a published key: someone a record key could be wrapped for, were they on a list.</summary>
    private async Task<SigningKey> PublishedOutsiderAsync()
    {
        var outsider = SigningKey.Generate();
        await new MembershipClient(p.Node.Client).RegisterAsync(p.BoardAdmin, outsider.Account, Roles.Practitioner, "Dr. Elsewhere");
        await p.Records.PublishKeyAsync(outsider);
        return outsider;
    }

    private HttpClient Between(DelegatingHandler handler)
    {
        handler.InnerHandler = new HttpClientHandler();
        return new HttpClient(handler) { BaseAddress = p.Node.BaseAddress };
    }

    /// <summary>
    /// Between client and node: adds an entry to one list wherever the node gives it — in the contract queries' answers
    /// and in the directory proof — as a node operator who wanted a record key would.
    /// </summary>
    private sealed class AddsToList(string group, AccountId intruder, byte[] entry) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            var uri = Uri.UnescapeDataString(request.RequestUri!.ToString());
            if (!response.IsSuccessStatusCode) return response;
            if (uri.Contains("v1/directory") && uri.Contains("group=" + group))
            {
                var proof = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
                proof["entries"]!.AsArray().Add(new JsonObject { ["key"] = group + intruder, ["value"] = Convert.ToBase64String(entry) });
                response.Content = JsonContent.Create(proof);
            }
            else if (uri.Contains("queries/staff") && group.StartsWith(StaffSeat.KeyPrefix))
            {
                var list = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
                list["members"]!.AsArray().Add(new JsonObject { ["account"] = intruder.ToString(), ["org"] = "city-clinic", ["role"] = Roles.Practitioner, ["name"] = "Dr. Intruder" });
                response.Content = JsonContent.Create(list);
            }
            else if (uri.Contains("queries/validators") && group == Validator.KeyPrefix)
            {
                var list = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
                list["validators"]!.AsArray().Add(new JsonObject { ["account"] = intruder.ToString(), ["org"] = "city-clinic" });
                response.Content = JsonContent.Create(list);
            }
            return response;
        }
    }

    /// <summary>Between client and node: answers every later request for one group with the node's first answer.</summary>
    private sealed class ReplaysFirstAnswer(string group) : DelegatingHandler
    {
        private string? first;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            if (!Uri.UnescapeDataString(request.RequestUri!.ToString()).Contains("group=" + group)) return response;
            first ??= await response.Content.ReadAsStringAsync(ct);
            response.Content = new StringContent(first, System.Text.Encoding.UTF8, "application/json");
            return response;
        }
    }
}
