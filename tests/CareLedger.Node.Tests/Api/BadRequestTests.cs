using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>Malformed, oversized and unknown requests: each gets problem details and changes nothing.</summary>
[Collection(DemoNodeCollection.Name)]
public sealed class BadRequestTests(DemoNodeFixture demo)
{
    public static TheoryData<string, string, string> MalformedSubmissions => new()
    {
        { "application/json", """{"transaction": "%%% not base64 %%%"}""", "not valid base64" },
        { "application/json", """{"transaction": "q83vASNFZ4mrze8BI0VniQ=="}""", "malformed transaction" },
        { "application/json", """{"transaction": "oA=="}""", "malformed transaction" },
        { "application/json", """{"transaction": "gwECAw=="}""", "envelope must be an array of [body, signature]" },
        { "application/json", """{"transaction": """, "not valid JSON" },
        { "application/json", "[1, 2, 3]", "not valid JSON" },
        { "application/json", """{"transaction": 42}""", "not valid JSON" },
        { "application/json", "{}", "Expected {\"transaction\"" },
        { "application/json", "null", "Expected {\"transaction\"" },
        { "text/plain", "hello", "not valid JSON" },
        { "application/cbor", "garbage that is not CBOR", "malformed transaction" },
    };

    [Theory]
    [MemberData(nameof(MalformedSubmissions))]
    public async Task Submit_MalformedBody_Is400ProblemAndChangesNothing(string contentType, string body, string detail)
    {
        var before = await demo.Client.GetChainAsync();

        using var response = await demo.PostTextAsync("v1/transactions?wait=true", body, contentType);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(detail, ProblemAssert.Detail(problem), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before.StateRoot, (await demo.Client.GetChainAsync()).StateRoot);
    }

    [Fact]
    public async Task Submit_EmptyBody_Is400Problem()
    {
        using var response = await demo.PostRawAsync("v1/transactions", [], "application/json");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Submit_WaitFlagNotABoolean_Is400Problem()
    {
        using var response = await demo.PostTextAsync("v1/transactions?wait=maybe", """{"transaction": "oA=="}""");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Submit_BodyOver128KiBWithContentLength_Is413Problem()
    {
        var body = SubmitBody(new string('A', 130 * 1024));

        using var response = await demo.PostTextAsync("v1/transactions", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Submit_BodyOver128KiBChunked_Is413Problem()
    {
        var bytes = Encoding.UTF8.GetBytes(SubmitBody(new string('A', 200 * 1024)));
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");

        using var response = await demo.Http.PostAsync("v1/transactions", content);

        Assert.Null(content.Headers.ContentLength);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Submit_SignedTransactionChunked_IsReadWholeAndCommitted()
    {
        var draft = await demo.DraftAsync("patient-jones");
        var tx = draft.Transfer(demo.Account("dr-rivera"), 1).Sign();
        // Padding after the transaction makes the chunked body larger than one read of the pooled buffer.
        var bytes = Encoding.UTF8.GetBytes(SubmitBody(Convert.ToBase64String(tx.Encode())) + new string(' ', 40 * 1024));
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");

        using var response = await demo.Http.PostAsync("v1/transactions?wait=true", content);

        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(tx.Id.ToString(), (string?)answer["id"]);
        Assert.Equal("committed", (string?)answer["status"]);
    }

    [Fact]
    public async Task Submit_TransactionOver64KiBWithinBodyLimit_Is400Problem()
    {
        var body = SubmitBody(Convert.ToBase64String(new byte[70 * 1024]));

        using var response = await demo.PostTextAsync("v1/transactions", body);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("the limit is 65536", ProblemAssert.Detail(problem));
    }

    [Theory]
    [InlineData("v1/blocks/999999")]
    [InlineData("v1/blocks/abababababababababababababababababababababababababababababababab")]
    [InlineData("v1/blocks/999999/raw")]
    [InlineData("v1/transactions/0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("v1/proofs/0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("v1/state/membership/member/nobody")]
    public async Task Get_UnknownBlockTransactionProofOrState_Is404Problem(string path)
    {
        // Read as an auditor, who may see all of these: what is left is the answer about the identifier itself.
        using var response = await demo.Http.SendAsync(await SignedHttp.Get(demo.Keys["health-auditor"], demo.Audience, path));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("v1/transactions/not-a-hash")]
    [InlineData("v1/proofs/not-a-hash")]
    [InlineData("v1/accounts/not-an-account")]
    [InlineData("v1/state")]
    [InlineData("v1/blocks/twelve/raw")]
    public async Task Get_MalformedIdentifier_Is400Problem(string path)
    {
        // Read as an auditor, who may see all of these: what is left is the answer about the identifier itself.
        using var response = await demo.Http.SendAsync(await SignedHttp.Get(demo.Keys["health-auditor"], demo.Audience, path));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_UnknownRoute_Is404Problem()
    {
        using var response = await demo.Http.GetAsync("v1/no-such-thing");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    private static string SubmitBody(string transaction) => new JsonObject { ["transaction"] = transaction }.ToJsonString();

    /// <summary>A stream that will not say how long it is, so the client must send the body chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
