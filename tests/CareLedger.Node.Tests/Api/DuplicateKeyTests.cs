using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Demo;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// A JSON body that names a property twice is ambiguous — parsers differ on which one counts — so the node refuses it
/// rather than pick one: a reviewer, a proxy or a log may have read the other.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class DuplicateKeyTests(DemoNodeFixture demo)
{
    [Fact]
    public async Task Submit_TransactionNamedTwice_Is400ProblemAndAdmitsNeither()
    {
        var draft = await demo.DraftAsync("patient-jones");
        var first = draft.Transfer(demo.Account("dr-rivera"), 1).Sign();
        var second = (draft with { Nonce = draft.Nonce + 1 }).Transfer(demo.Account("dr-rivera"), 2).Sign();
        var body = $$"""{"transaction":"{{Convert.ToBase64String(first.Encode())}}","transaction":"{{Convert.ToBase64String(second.Encode())}}"}""";

        using var response = await demo.PostTextAsync("v1/transactions", body);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", ProblemAssert.Detail(problem));
        foreach (var tx in new[] { first, second })
            Assert.Equal(HttpStatusCode.NotFound, (await demo.Http.SendAsync(await SignedHttp.Get(demo.Keys["patient-jones"], demo.Audience, $"v1/transactions/{tx.Id}"))).StatusCode);
    }

    [Fact]
    public async Task UploadGrantKeys_PatientNamedTwice_Is400ProblemNotJudgedByEitherValue()
    {
        var patient = demo.Keys["patient-jones"];
        var body = $$"""{"patient":"{{demo.Account("dr-rivera")}}","patient":"{{patient.Account}}","keys":"oA=="}""";

        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/records/grants/no-such-grant/keys") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation(RequestSignature.Header,
            RequestSignature.Sign(patient, demo.Audience, "POST", "/v1/records/grants/no-such-grant/keys", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), bytes));

        using var response = await demo.Http.SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Malformed upload", problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task FhirCreate_PropertyNamedTwice_Is400OperationOutcome()
    {
        var patient = demo.Account("patient-jones");
        var body = $$$"""{"resourceType":"Observation","status":"final","status":"entered-in-error","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/{{{patient}}}"},"valueQuantity":{"value":70,"unit":"/min"}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "fhir/Observation") { Content = new StringContent(body, Encoding.UTF8, "application/fhir+json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(demo.Node.DataDir, DemoFhirAccess.TokenFileName)).Trim());

        using var response = await demo.Http.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("OperationOutcome", text);
    }
}
