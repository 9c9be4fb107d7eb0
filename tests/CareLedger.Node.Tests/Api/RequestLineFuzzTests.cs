using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Demo;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// Bad bytes in a request's path and query. Kestrel refuses some request lines itself — a NUL, raw or percent-encoded,
/// in the path; raw control or non-ASCII bytes — with an empty 400 that no application can change
/// (aspnet/KestrelHttpServer#2947). Everything else reaches the node, and there every refusal is problem details (an
/// OperationOutcome under /fhir): every operation of the OpenAPI document is called with each bad value in each path
/// and query parameter, anonymously and signed.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class RequestLineFuzzTests(DemoNodeFixture demo)
{
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10);

    /// <summary>Values that reach the node in a path segment: invalid UTF-8, an encoded lone surrogate, an overlong slash, bad escapes, huge numbers.</summary>
    private static readonly string[] BadPathValues =
        ["%FF%FE", "%ED%A0%80", "%C0%AF", "%ZZ", "%", "..%2F..%2F", "-1", "99999999999999999999999", "%E2%80%AE", "\u0001", "\u007f", new string('A', 4000)];

    /// <summary>In a query a NUL reaches the node too.</summary>
    private static readonly string[] BadQueryValues = [.. BadPathValues, "%00", "a%00b", "%0D%0A"];

    /// <summary>FHIR's search parameters, which the document does not list.</summary>
    private static readonly string[] FhirSearchParameters = ["patient", "subject", "code", "date", "_format", "_count", "_id"];

    private static readonly string[] Signers = ["health-auditor", "patient-jones", "dr-rivera", "pharmacist-chen"];

    [Fact]
    public async Task EveryOperation_BadBytesInAPathOrQueryValue_AnswersProblemDetailsNeverA500()
    {
        var logged = demo.Node.Logs.Entries.Count;
        var wrong = new List<string>();
        var sent = 0;

        foreach (var (method, target) in await TargetsAsync())
            foreach (var signed in new[] { false, true })
                if (await SendAsync(method, target, signed ? Signers[sent++ % Signers.Length] : null) is { } failure) wrong.Add(failure);

        Assert.True(sent > 500, $"only {sent} signed requests");
        ErrorAnswer.AssertNone(wrong);
        demo.AssertNothingLoggedAsAnErrorSince(logged);
        await demo.AssertChainVerifiesAsync();
    }

    [Theory]
    [InlineData("DELETE", "/v1/transactions")]
    [InlineData("PATCH", "/v1/records/grants/g/keys")]
    [InlineData("PUT", "/v1/chain")]
    [InlineData("TRACE", "/v1/chain")]
    [InlineData("OPTIONS", "/v1/contracts/tokens/queries/balance")]
    [InlineData("BREW", "/v1/chain")]
    [InlineData("DELETE", "/fhir/Observation/1")]
    [InlineData("PATCH", "/fhir/Observation/1")]
    public async Task AMethodTheOperationDoesNotHave_IsA4xxProblemOrOperationOutcome(string method, string target)
    {
        var answer = await RawHttp.SendAsync(demo.Node.BaseAddress, method, target, [], [], PerRequest);

        Assert.Null(ErrorAnswer.Wrong(ErrorAnswer.DialectOf(target), answer.Status, answer.ContentType, answer.Body));
    }

    public static TheoryData<string, string, string> BadCredentials => new()
    {
        { "/v1/records?patient=1", "CareLedger-Signature", "" },
        { "/v1/records?patient=1", "CareLedger-Signature", "key=; time=; sig=" },
        { "/v1/records?patient=1", "CareLedger-Signature", "key=%%%; time=1; sig=%%%" },
        { "/v1/records?patient=1", "CareLedger-Signature", $"key={Convert.ToBase64String(new byte[91])}; time={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}; sig={Convert.ToBase64String(new byte[64])}" },
        { "/v1/records?patient=1", "CareLedger-Signature", $"key=AAAA; time=-9223372036854775808; sig={Convert.ToBase64String(new byte[64])}" },
        { "/v1/records?patient=1", "CareLedger-Signature", "key=AAAA; time=99999999999999999999999; sig=AAAA" },
        { "/v1/records?patient=1", "CareLedger-Signature", "key=a; key=b; key=c; time=1; sig=x" },
        { "/v1/records?patient=1", "CareLedger-Signature", $"key={new string('A', 6000)}; time=1; sig=AAAA" },
        { "/fhir/Observation?patient=1", "Authorization", "Bearer " },
        { "/fhir/Observation?patient=1", "Authorization", "Bearer %%%" },
        { "/fhir/Observation?patient=1", "Authorization", $"Bearer {new string('A', 6000)}" },
        { "/fhir/Observation?patient=1", "Authorization", "Basic dXNlcjpwYXNz" },
    };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task AMalformedSignatureOrToken_IsA4xxProblemOrOperationOutcome(string target, string header, string value)
    {
        var logged = demo.Node.Logs.Entries.Count;

        var answer = await RawHttp.SendAsync(demo.Node.BaseAddress, "GET", target, [(header, value)], [], PerRequest);

        Assert.Null(ErrorAnswer.Wrong(ErrorAnswer.DialectOf(target), answer.Status, answer.ContentType, answer.Body));
        demo.AssertNothingLoggedAsAnErrorSince(logged);
    }

    [Theory]
    [InlineData("/v1/chain\0")]
    [InlineData("/v1/state/%00")]
    [InlineData("/v1/accounts/a%00b")]
    [InlineData("/fhir/Observation%00")]
    [InlineData("/v1/state?prefix=\0")]
    [InlineData("/v1/state/\u00ff")]
    public async Task ARequestLineKestrelRefuses_IsAnEmpty400ThatNeverReachesTheNode(string target)
    {
        var logged = demo.Node.Logs.Entries.Count;

        var answer = await RawHttp.SendAsync(demo.Node.BaseAddress, "GET", target, [], [], PerRequest);

        // Kestrel's own answer (the node's would carry a body): documented in the README.
        Assert.Equal(400, answer.Status);
        Assert.Equal("", answer.Body);
        Assert.Null(answer.ContentType);
        demo.AssertNothingLoggedAsAnErrorSince(logged);
    }

    [Fact]
    public async Task ARequestLineOrHeadersOverKestrelsLimits_AreAnEmpty414Or431ThatNeverReachTheNode()
    {
        var logged = demo.Node.Logs.Entries.Count;

        var longLine = await RawHttp.SendAsync(demo.Node.BaseAddress, "GET", "/v1/state?prefix=" + new string('a', 9000), [], [], PerRequest);
        var bigHeaders = await RawHttp.SendAsync(demo.Node.BaseAddress, "GET", "/v1/chain", [("X-Padding", new string('a', 40_000))], [], PerRequest);

        Assert.Equal((414, "", null), (longLine.Status, longLine.Body, longLine.ContentType));
        Assert.Equal((431, "", null), (bigHeaders.Status, bigHeaders.Body, bigHeaders.ContentType));
        demo.AssertNothingLoggedAsAnErrorSince(logged);
    }

    /// <summary>Every operation with each bad value in each of its path and query parameters, the others filled with plain values.</summary>
    private async Task<List<(string Method, string Target)>> TargetsAsync()
    {
        var document = (await demo.Http.GetFromJsonAsync<JsonObject>("openapi/v1.json"))!;
        var targets = new List<(string, string)>();
        foreach (var (route, operations) in document["paths"]!.AsObject())
            foreach (var (method, operation) in operations!.AsObject())
            {
                var parameters = operation!["parameters"]?.AsArray().Select(p => (Name: p!["name"]!.GetValue<string>(), In: p["in"]!.GetValue<string>())).ToList() ?? [];
                var inPath = parameters.Where(p => p.In == "path").Select(p => p.Name).ToList();
                var inQuery = parameters.Where(p => p.In == "query").Select(p => p.Name)
                    .Concat(route.StartsWith("/fhir/", StringComparison.Ordinal) ? FhirSearchParameters : []).Append("x%00y").Distinct().ToList();
                string Fill(string? bad, string badName) => inPath.Aggregate(route, (path, name) => path.Replace($"{{{name}}}", name == badName ? bad : Plain(name)));
                foreach (var name in inPath)
                    foreach (var value in BadPathValues)
                        targets.Add((method.ToUpperInvariant(), Fill(value, name)));
                foreach (var name in inQuery)
                    foreach (var value in BadQueryValues)
                        targets.Add((method.ToUpperInvariant(), $"{Fill(null, "")}?{name}={value}"));
            }
        return targets;
    }

    private static string Plain(string parameter) => parameter switch
    {
        "type" => "Observation",
        "contract" => "tokens",
        "query" => "balance",
        "key" => "membership/org/city-clinic",
        _ => "1",
    };

    /// <summary>Null when the answer is a success or a proper refusal; otherwise what is wrong with it.</summary>
    private async Task<string?> SendAsync(string method, string target, string? signer)
    {
        var what = $"{method} {Clip(target)} {(signer is null ? "anonymously" : "signed")}";
        var fhir = ErrorAnswer.TakesFhirBearer(target);
        byte[] body = method is "POST" or "PUT" ? (fhir ? """{"resourceType":"Observation"}"""u8.ToArray() : "{}"u8.ToArray()) : [];
        for (var attempt = 0; ; attempt++)
        {
            var headers = new List<(string, string)>();
            if (body.Length > 0) headers.Add(("Content-Type", fhir ? "application/fhir+json" : "application/json"));
            if (signer is not null && fhir) headers.Add(("Authorization", $"Bearer {FhirToken()}"));
            if (signer is not null && !fhir)
                headers.Add((RequestSignature.Header, RequestSignature.Sign(demo.Keys[signer], demo.Audience, method, AsDecoded(target), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), body)));
            RawAnswer answer;
            try { answer = await RawHttp.SendAsync(demo.Node.BaseAddress, method, target, headers, body, PerRequest); }
            catch (Exception e) when (e is IOException or OperationCanceledException or System.Net.Sockets.SocketException or FormatException)
            {
                return $"{what}: no answer ({e.GetType().Name}: {e.Message})";
            }
            // The read limits are not what is under test: wait for the bucket and send again.
            if (answer.Status == 429 && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                continue;
            }
            // A signed request the node cannot authenticate would test only the authentication: that is the test's mistake.
            if (signer is not null && answer.Status == 401) return $"{what}: not authenticated ({Clip(answer.Body)})";
            return ErrorAnswer.Wrong(ErrorAnswer.DialectOf(target), answer.Status, answer.ContentType, answer.Body, maySucceed: true) is { } wrong ? $"{what}: {wrong}" : null;
        }
    }

    /// <summary>
    /// A signature covers the path as the node decodes it: Kestrel decodes escapes that spell valid UTF-8 and leaves the
    /// rest as sent; of the values here only the right-to-left override does.
    /// </summary>
    private static string AsDecoded(string target)
    {
        var query = target.IndexOf('?');
        return query < 0 ? target.Replace("%E2%80%AE", "\u202E") : target[..query].Replace("%E2%80%AE", "\u202E") + target[query..];
    }

    private string? _token;

    private string FhirToken() => _token ??= File.ReadAllText(Path.Combine(demo.Node.DataDir, DemoFhirAccess.TokenFileName)).Trim();

    private static string Clip(string text) => text.Length > 120 ? text[..120] + "…" : text;
}
