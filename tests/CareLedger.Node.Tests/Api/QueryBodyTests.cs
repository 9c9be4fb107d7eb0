using System.Net;
using CareLedger.Node.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CareLedger.Node.Tests.Api;

/// <summary>Contract-query bodies that are JSON but not a map the ledger can hold, and bodies over the limit: 4xx problem details, never a 500 or a stack trace in the log.</summary>
[Collection(DemoNodeCollection.Name)]
public sealed class QueryBodyTests(DemoNodeFixture demo)
{
    public static TheoryData<string, string> UnmappableJson => new()
    {
        { """{"patient":"\ud800"}""", "not valid Unicode" },
        { """{"patient":"a\udc00b"}""", "not valid Unicode" },
        { """{"patient":"a","patient":"b"}""", "more than once" },
        { """{"patient":{"$base64":"!!! not base64"}}""", "not base64" },
        { """{"patient":{"$base64":42}}""", "not base64" },
        { """{"patient":null}""", "is null" },
    };

    [Theory]
    [MemberData(nameof(UnmappableJson))]
    public async Task Query_JsonThatIsNoLedgerMap_Is400ProblemSayingWhy(string body, string detail)
    {
        using var response = await demo.PostTextAsync("v1/contracts/records/queries/grants", body);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(detail, ProblemAssert.Detail(problem), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(new byte[0], "{} for none")]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, "not valid Unicode")]
    public async Task Query_TakingNoArguments_EmptyOrNonUtf8Body_Is400Problem(byte[] body, string detail)
    {
        // services/terms takes no arguments: the body itself is what is refused.
        using var response = await demo.PostRawAsync("v1/contracts/services/queries/terms", body, "application/json");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(detail, ProblemAssert.Detail(problem));
    }

    [Fact]
    public async Task Query_BodyOverTheServerLimit_Is413ProblemAndLogsNoStackTrace()
    {
        var before = demo.Node.Logs.Entries.Count;

        // Sent as a client should send a large body (Expect: 100-continue): Kestrel answers and closes without draining it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/contracts/records/queries/grants") { Content = new ByteArrayContent(new byte[2 * 1024 * 1024]) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.ExpectContinue = true;
        using var response = await demo.Http.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        var logged = demo.Node.Logs.Entries.Skip(before).ToList();
        Assert.DoesNotContain(logged, e => e.Exception is not null || e.Level >= LogLevel.Error);
    }
}
