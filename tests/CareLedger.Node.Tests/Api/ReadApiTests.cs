using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>Chain, blocks, state, accounts, contracts and queries, and the operator endpoints.</summary>
[Collection(DemoNodeCollection.Name)]
public sealed class ReadApiTests(DemoNodeFixture demo)
{
    [Fact]
    public async Task GetChain_DemoNode_NamesChainAndItsValidator()
    {
        var chain = await demo.Client.GetChainAsync();

        Assert.Equal("careledger-demo", chain.ChainId);
        Assert.True(chain.Height >= 2);
        Assert.Single(chain.Validators);
        Assert.Equal(64, chain.HeadHash.Length);
    }

    [Fact]
    public async Task GetBlock_ByHeightHashAndLatest_AreTheSameBlock()
    {
        var latest = await demo.Client.GetBlockAsync("latest");

        var byHeight = await demo.Client.GetBlockAsync(latest.Height.ToString());
        var byHash = await demo.Client.GetBlockAsync(latest.Hash);

        Assert.Equal(latest.Hash, byHeight.Hash);
        Assert.Equal(latest.Height, byHash.Height);
        Assert.NotEmpty(latest.Signatures);
    }

    [Fact]
    public async Task GetRawBlock_ForAnAuditor_DecodesToTheBlockTheApiDescribes()
    {
        var auditor = demo.Client.As(demo.Keys["health-auditor"]);
        var described = await auditor.GetBlockAsync("1");

        var raw = await auditor.GetRawBlockAsync(1);
        var block = Block.Decode(Convert.FromBase64String(raw.Header), Convert.FromBase64String(raw.Body));

        Assert.Equal(described.Hash, block.Hash.ToString());
        Assert.Equal(described.Transactions.Select(t => t.Id), block.Transactions.Select(t => t.Id.ToString()));
        Assert.True(block.Signatures[0].Verify(block.Hash));
    }

    [Fact]
    public async Task ListBlocks_NewestFirst()
    {
        var list = await demo.Http.GetFromJsonAsync<JsonArray>("v1/blocks?limit=3");

        var heights = list!.Select(b => b!["height"]!.GetValue<long>()).ToList();
        Assert.Equal(3, heights.Count);
        Assert.Equal(heights.OrderDescending(), heights);
    }

    [Fact]
    public async Task GetState_OneEntryByKeyPath_ShowsTheDecodedRecord()
    {
        var clinic = await demo.Http.GetFromJsonAsync<StateEntryDto>("v1/state/membership/org/city-clinic");

        Assert.Equal("membership/org/city-clinic", clinic!.Key);
        Assert.Equal("City Clinic", clinic.Value!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetStateAsync_ThroughTheClientSdk_FindsKeyContainingSlashes()
    {
        var clinic = await demo.Client.GetStateAsync("membership/org/city-clinic");

        Assert.Equal("City Clinic", clinic.Value!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task ScanState_ByPrefix_ListsEntriesInKeyOrder()
    {
        var organisations = await demo.Http.GetFromJsonAsync<List<StateEntryDto>>("v1/state?prefix=membership/org/");

        Assert.Equal(7, organisations!.Count);
        Assert.Equal(organisations.Select(o => o.Key).Order(StringComparer.Ordinal), organisations.Select(o => o.Key));
        Assert.All(organisations, o => Assert.NotNull(o.Value!["kind"]));
    }

    [Fact]
    public async Task ScanState_WithALimit_AnswersAPageAndLinksTheNext()
    {
        using var first = await demo.Http.GetAsync("v1/state?prefix=membership/org/&limit=3");
        var page = await first.Content.ReadFromJsonAsync<List<StateEntryDto>>();

        Assert.Equal(3, page!.Count);
        Assert.Equal($"v1/state?prefix=membership%2Forg%2F&limit=3&after={Uri.EscapeDataString(page[^1].Key)}", NodeClient.NextLink(first));
    }

    [Fact]
    public async Task ScanStateAsync_ThroughTheClientSdk_PagesThroughEveryEntryOnce()
    {
        var all = await demo.Http.GetFromJsonAsync<List<StateEntryDto>>("v1/state?prefix=membership/org/");

        var paged = await demo.Client.ScanStateAsync(Contracts.Membership.Organisation.All, pageSize: 2).Select(e => e.Key).ToListAsync();

        Assert.Equal(all!.Select(o => o.Key), paged);
    }

    [Fact]
    public async Task GetAccount_DemoDoctor_IsAMemberOfTheClinic()
    {
        var account = await demo.Client.GetAccountAsync(demo.Account("dr-rivera"));

        Assert.True(account.Member);
        Assert.Equal("city-clinic", account.Organisation);
        Assert.Equal("practitioner", account.Role);
    }

    [Fact]
    public async Task GetAccount_UnknownAccount_IsNotAMemberWithNoNonce()
    {
        var account = await demo.Client.GetAccountAsync(new AccountId(Hash256.Of([1, 2, 3])));

        Assert.False(account.Member);
        Assert.Equal(0UL, account.LastNonce);
    }

    [Fact]
    public async Task ListContracts_DescribesActionsAndQueries()
    {
        var contracts = await demo.Http.GetFromJsonAsync<JsonArray>("v1/contracts");

        var tokens = contracts!.Single(c => c!["name"]!.GetValue<string>() == "tokens")!;
        var actions = tokens["actions"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("transfer", actions);
        Assert.Contains("balance", tokens["queries"]!.AsArray().Select(q => q!["name"]!.GetValue<string>()));
        Assert.Contains(contracts!, c => c!["name"]!.GetValue<string>() == "membership");
        Assert.Contains(contracts!, c => c!["name"]!.GetValue<string>() == "licensing");
    }

    [Fact]
    public async Task Query_WithJsonBodyOfKnownLength_Answers()
    {
        var args = new JsonObject { ["practitioner"] = demo.Account("dr-rivera").ToString() };

        using var response = await demo.PostTextAsync("v1/contracts/licensing/queries/verify", args.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(answer!["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task QueryAsync_ThroughTheClientSdk_Answers()
    {
        var answer = await demo.Client.As(demo.Keys["pharmacist-chen"]).QueryAsync("tokens", "balance",
            new CborMap { ["asset"] = "CARE", ["account"] = demo.Account("pharmacist-chen").ToString() });

        Assert.Equal(0L, answer["balance"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("v1/contracts/nothing/queries/balance", "{}", HttpStatusCode.NotFound)]
    [InlineData("v1/contracts/tokens/queries/nothing", "{}", HttpStatusCode.NotFound)]
    [InlineData("v1/contracts/tokens/queries/balance", """{"asset": "CARE"}""", HttpStatusCode.BadRequest)]
    [InlineData("v1/contracts/tokens/queries/balance", """{"asset": "CARE", "account": "nope"}""", HttpStatusCode.BadRequest)]
    [InlineData("v1/contracts/tokens/queries/balance", """{"asset": """, HttpStatusCode.BadRequest)]
    [InlineData("v1/contracts/tokens/queries/balance", "[]", HttpStatusCode.BadRequest)]
    public async Task Query_UnknownOrMalformed_IsProblem(string path, string body, HttpStatusCode status)
    {
        using var response = await demo.PostTextAsync(path, body);

        await ProblemAssert.IsProblemAsync(response, status);
    }

    [Fact]
    public async Task GetProof_OfCommittedTransaction_VerifiesAgainstTheChainsValidators()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1).Sign();
        Assert.Equal("committed", (await demo.Client.SubmitAsync(tx, wait: true)).Status);
        var validators = (await demo.Client.GetChainAsync()).Validators.Select(AccountId.Parse).ToHashSet();

        var dto = await demo.Client.As(demo.Keys["patient-jones"]).GetProofAsync(tx.Id.ToString());
        var verdict = WireFormat.FromDto(dto).Verify(validators);

        Assert.True(verdict.Valid, verdict.Reason);
        Assert.Equal(tx.Id, verdict.TxId);
        Assert.Equal(validators.Single(), Assert.Single(verdict.Signers));
    }

    [Fact]
    public async Task GetProof_WithTamperedResult_DoesNotVerify()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1).Sign();
        Assert.Equal("committed", (await demo.Client.SubmitAsync(tx, wait: true)).Status);
        var dto = await demo.Client.As(demo.Keys["patient-jones"]).GetProofAsync(tx.Id.ToString());
        var forgedResult = new TxResult(false, "forged", []).Encode();

        var verdict = WireFormat.FromDto(dto with { Result = Convert.ToBase64String(forgedResult) }).Verify();

        Assert.False(verdict.Valid);
        Assert.Contains("Merkle path", verdict.Reason);
    }

    [Fact]
    public async Task Health_Answers200Alive()
    {
        var health = await demo.Http.GetFromJsonAsync<JsonObject>("health");

        Assert.Equal("alive", health!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ready_WhenOrdering_Answers200WithHeight()
    {
        var ready = await demo.Http.GetFromJsonAsync<JsonObject>("ready");

        Assert.Equal("ready", ready!["status"]!.GetValue<string>());
        Assert.True(ready["height"]!.GetValue<long>() >= 2);
    }

    [Fact]
    public async Task Metrics_ArePrometheusText()
    {
        using var response = await demo.Http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE careledger_chain_height gauge", text);
        Assert.Matches(@"(?m)^careledger_blocks_committed_total [1-9]\d*$", text);
        Assert.Matches(@"(?m)^careledger_tx_accepted_total \d+$", text);
    }

    [Fact]
    public async Task OpenApi_DescribesTheTransactionEndpoints()
    {
        var document = await demo.Http.GetFromJsonAsync<JsonObject>("openapi/v1.json");

        Assert.StartsWith("3.", document!["openapi"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/v1/transactions"), string.Join(", ", paths.Select(p => p.Key)));
        Assert.True(paths.ContainsKey("/v1/proofs/{txId}"));
    }

    [Fact]
    public async Task ApiReference_IsServed()
    {
        using var response = await demo.Http.GetAsync("scalar/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
