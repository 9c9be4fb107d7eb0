using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CareLedger.Client.Api;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Wire;

namespace CareLedger.Client.Tests;

/// <summary>
/// The client's typed reads and its checked send, against a stub node answering canned JSON: answers and
/// state are read with their record's codec, strictly; a refused action is an exception naming it.
/// </summary>
public sealed class NodeClientTests
{
    private static readonly AccountId Account = AccountId.FromPublicKey([7]);

    [Fact]
    public async Task QueryAsync_AnswerInTheRecordsForm_IsTheRecord()
    {
        var node = Stub(_ => Json(new { asset = "CARE", account = Account.ToString(), balance = 25 }));

        var balance = await node.QueryAsync<AccountBalance>("tokens", "balance", new CborMap());

        Assert.Equal(new AccountBalance("CARE", Account, 25), balance);
    }

    [Fact]
    public async Task QueryAsync_AnswerWithAFieldTheRecordDoesNotHave_IsRefused()
    {
        var node = Stub(_ => Json(new { asset = "CARE", account = Account.ToString(), balance = 25, bonus = 1 }));

        var error = await Assert.ThrowsAsync<JsonException>(() => node.QueryAsync<AccountBalance>("tokens", "balance", new CborMap()));

        Assert.Contains("not the AccountBalance expected: unknown field 'bonus'", error.Message);
    }

    [Fact]
    public async Task GetStateAsync_StoredAndMissingKeys_AreTheRecordAndNull()
    {
        var node = Stub(request => request.RequestUri!.AbsolutePath.EndsWith(Account.ToString(), StringComparison.Ordinal)
            ? Json(new { key = PublishedKey.Key(Account).Value, value = new { key = new Dictionary<string, string> { ["$base64"] = "AQID" } } })
            : Json(new { title = "No such state entry" }, HttpStatusCode.NotFound));

        var published = await node.GetStateAsync(PublishedKey.Key(Account));
        var missing = await node.GetStateAsync(PublishedKey.Key(AccountId.FromPublicKey([8])));

        Assert.Equal([1, 2, 3], published!.PublicKey);
        Assert.Null(missing);
    }

    [Fact]
    public async Task CommitAsync_RefusedByTheContract_ThrowsWithTheReasonTransactionAndBlock()
    {
        using var key = SigningKey.Generate();
        var node = Stub(request => request.RequestUri!.AbsolutePath switch
        {
            "/v1/chain" => Json(new ChainInfoDto("test-chain", 4, "", "", 0, 0, [])),
            var path when path.StartsWith("/v1/accounts/", StringComparison.Ordinal) => Json(new AccountDto(key.Account.ToString(), 3, true, "org", "patient", "")),
            _ => Json(new SubmitResponse("abc", "committed", new ReceiptDto("abc", "committed", Height: 5, Valid: false, Reason: "insufficient funds"))),
        });

        var error = await Assert.ThrowsAsync<ContractActionException>(() => node.CommitAsync(key, "tokens", "transfer", new CborMap()));

        Assert.Equal("tokens.transfer refused: insufficient funds (transaction abc, block 5)", error.Message);
        Assert.False(error.Pending);
    }

    [Fact]
    public async Task CommitAsync_NotYetInABlock_ThrowsPending()
    {
        using var key = SigningKey.Generate();
        var node = Stub(request => request.RequestUri!.AbsolutePath switch
        {
            "/v1/chain" => Json(new ChainInfoDto("test-chain", 4, "", "", 0, 0, [])),
            var path when path.StartsWith("/v1/accounts/", StringComparison.Ordinal) => Json(new AccountDto(key.Account.ToString(), 3, true, "org", "patient", "")),
            _ => Json(new SubmitResponse("abc", "pending", null), HttpStatusCode.Accepted),
        });

        var error = await Assert.ThrowsAsync<ContractActionException>(() => node.CommitAsync(key, "tokens", "transfer", new CborMap()));

        Assert.True(error.Pending);
        Assert.Equal("abc", error.TxId);
    }

    private static NodeClient Stub(Func<HttpRequestMessage, HttpResponseMessage> answer) =>
        new(new HttpClient(new StubHandler(answer)) { BaseAddress = new Uri("http://node.test/") });

    private static HttpResponseMessage Json<T>(T body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) };

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
