using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Demo;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// Bad input never reaches a 500 (issue 11 §7): every POST and PUT in the OpenAPI document (every contract query by
/// name, FHIR create and update on a real record) is sent each malformed body, anonymously and signed. Each answer is
/// a 4xx with problem details (an OperationOutcome under /fhir), nothing is logged as an error or with a stack
/// trace, and afterwards the chain replays and verifies, with no transaction of the fuzzing accounts admitted.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class FuzzTests(DemoNodeFixture demo)
{
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10);

    /// <summary>Signed requests rotate over these keys, so no one account's read limit slows the run.</summary>
    private static readonly string[] Signers = ["patient-jones", "dr-rivera", "pharmacist-chen", "insurer-admin", "health-auditor"];

    [Fact]
    public async Task EveryPostAndPut_MalformedBody_Is4xxProblemDetailsNothingLoggedAsAnErrorAndTheChainVerifies()
    {
        var targets = await TargetsAsync();
        var (logged, height) = (demo.Node.Logs.Entries.Count, demo.Node.Chain.Head.Height);
        var failures = new List<string>();
        var sent = 0;

        foreach (var target in targets)
            foreach (var body in MalformedBodies.Small)
                foreach (var signed in new[] { false, true })
                    if (await SendAsync(target, body, signed ? Signers[sent++ % Signers.Length] : null) is { } failure) failures.Add(failure);

        Assert.True(targets.Count >= 30, $"only {targets.Count} POST and PUT operations found");
        ErrorAnswer.AssertNone(failures);
        demo.AssertNothingLoggedAsAnErrorSince(logged);
        await demo.AssertChainVerifiesAsync(since: height, Signers);
    }

    [Fact]
    public async Task EveryPostAndPutRoute_BodyOverTheLimit_Is4xxProblemDetailsNothingLoggedAsAnErrorAndTheChainVerifies()
    {
        // One target per route: the contract queries share one handler, and 20 MB to each of them would only test the network.
        var targets = (await TargetsAsync()).DistinctBy(t => t.Route).ToList();
        var (logged, height) = (demo.Node.Logs.Entries.Count, demo.Node.Chain.Head.Height);
        var failures = new List<string>();

        foreach (var target in targets)
            foreach (var body in MalformedBodies.Huge)
                foreach (var signer in new[] { null, Signers[0] })
                    if (await SendAsync(target, body, signer) is { } failure) failures.Add(failure);

        ErrorAnswer.AssertNone(failures);
        demo.AssertNothingLoggedAsAnErrorSince(logged);
        await demo.AssertChainVerifiesAsync(since: height, Signers);
    }

    /// <summary>One operation to send bodies to: its method, a path with every parameter filled, and its route as documented.</summary>
    private sealed record Target(string Method, string Path, string Route)
    {
        public Dialect Dialect => ErrorAnswer.DialectOf(Path);
        public override string ToString() => $"{Method} /{Path}";
    }

    /// <summary>Every POST and PUT in the document; the contract-query route once per query GET /v1/contracts lists.</summary>
    private async Task<List<Target>> TargetsAsync()
    {
        var record = await RecordAsync();
        var document = (await demo.Http.GetFromJsonAsync<JsonObject>("openapi/v1.json"))!;
        var contracts = (await demo.Http.GetFromJsonAsync<JsonArray>("v1/contracts"))!;
        var targets = new List<Target>();
        foreach (var (route, operations) in document["paths"]!.AsObject())
            foreach (var method in operations!.AsObject().Select(o => o.Key.ToUpperInvariant()).Where(m => m is "POST" or "PUT"))
            {
                if (route == "/v1/contracts/{contract}/queries/{query}")
                {
                    targets.AddRange(from contract in contracts
                                     from query in contract!["queries"]!.AsArray()
                                     select new Target(method, $"v1/contracts/{contract["name"]}/queries/{query!["name"]}", route));
                    continue;
                }
                var path = route.TrimStart('/').Replace("{type}", "Observation").Replace("{id}", record)
                    .Replace("{version}", "1").Replace("{grantId}", "fuzz-grant");
                targets.Add(new Target(method, path, route));
            }
        return targets;
    }

    /// <summary>A record of the demo patient's, so that FHIR update reaches its body (an unknown id is refused before it is read).</summary>
    private async Task<string> RecordAsync()
    {
        var patient = demo.Keys["patient-jones"];
        var observation = $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/{{{patient.Account}}}"},"valueQuantity":{"value":64,"unit":"/min"}}""";
        return (await new RecordsClient(demo.Client).AddAsync(patient, patient.Account, observation)).Record;
    }

    /// <summary>Sends one body, anonymously or as <paramref name="signer"/>; null when the answer is a proper refusal, else what is wrong.</summary>
    private async Task<string?> SendAsync(Target target, MalformedBody body, string? signer)
    {
        var what = $"{target} with {body} {(signer is null ? "anonymously" : "signed")}";
        for (var attempt = 0; ; attempt++)
        {
            using var request = Request(target, body, signer);
            using var timeout = new CancellationTokenSource(PerRequest);
            try
            {
                using var response = await demo.Http.SendAsync(request, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                // The read limits are not what is under test: wait for the bucket and send again.
                if ((int)response.StatusCode == 429 && attempt < 30)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500));
                    continue;
                }
                // A signed request the node cannot authenticate would test only the authentication: that is the test's mistake.
                if (signer is not null && (int)response.StatusCode == 401) return $"{what}: not authenticated ({text})";
                return ErrorAnswer.Wrong(target.Dialect, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text) is { } wrong ? $"{what}: {wrong}" : null;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                return $"{what}: no answer ({e.GetType().Name}: {e.Message})";
            }
        }
    }

    private HttpRequestMessage Request(Target target, MalformedBody body, string? signer)
    {
        var request = new HttpRequestMessage(new HttpMethod(target.Method), target.Path) { Content = new ByteArrayContent(body.Bytes) };
        if (body.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
        // A body over Kestrel's 1 MiB is refused by its length, and Kestrel closes the connection rather than drain it, often
        // while the client still sends (a reset, not an answer): a client hears that refusal by asking first.
        request.Headers.ExpectContinue = body.Bytes.Length > 1024 * 1024;
        if (signer is null) return request;
        if (ErrorAnswer.TakesFhirBearer(target.Path))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FhirToken());
            return request;
        }
        // Node-to-node routes are signed by a node; the rest by a member.
        var key = target.Path.StartsWith("v1/consortium/", StringComparison.Ordinal) ? demo.Node.Keys.Validator : demo.Keys[signer];
        request.Headers.TryAddWithoutValidation(RequestSignature.Header,
            RequestSignature.Sign(key, demo.Audience, target.Method, "/" + target.Path, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), body.Bytes));
        return request;
    }

    private string? _token;

    private string FhirToken() => _token ??= File.ReadAllText(Path.Combine(demo.Node.DataDir, DemoFhirAccess.TokenFileName)).Trim();
}
