using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CareLedger.Client.Records;
using CareLedger.Node.Demo;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// A FHIR resource that parses but whose text is not Unicode: refused as an OperationOutcome, never stored with
/// replacement characters in a patient's record and never a 500. Dr. Rivera may write the patient's observations, so
/// only the text stands in the way.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class FhirBodyTests(DemoNodeFixture demo)
{
    [Fact]
    public async Task FhirCreate_InvalidUtf8InAResourcesText_Is400OperationOutcomeAndStoresNothing()
    {
        await GrantRiveraObservationsAsync();
        var (before, after) = Split(Observation("NOTE"), "NOTE");
        byte[] body = [.. before, 0x68, 0x69, 0xFF, 0xC3, .. after];

        var (status, outcome) = await CreateAsync(body);

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {outcome}");
        Assert.Equal("OperationOutcome", outcome["resourceType"]!.GetValue<string>());
        Assert.Contains("UTF-8", outcome.ToJsonString());
    }

    [Fact]
    public async Task FhirCreate_LoneSurrogateInAResourcesText_Is400OperationOutcomeNot500()
    {
        await GrantRiveraObservationsAsync();
        var logged = demo.Node.Logs.Entries.Count;

        var (status, outcome) = await CreateAsync(Encoding.UTF8.GetBytes(Observation("a\\ud800b")));

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status}: {outcome}");
        Assert.Equal("OperationOutcome", outcome["resourceType"]!.GetValue<string>());
        demo.AssertNothingLoggedAsAnErrorSince(logged);
    }

    private string Observation(string note) =>
        $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/{{{demo.Account("patient-jones")}}}"},"valueQuantity":{"value":70,"unit":"/min"},"note":[{"text":"{{{note}}}"}]}""";

    private static (byte[] Before, byte[] After) Split(string text, string marker)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return (Encoding.UTF8.GetBytes(text[..at]), Encoding.UTF8.GetBytes(text[(at + marker.Length)..]));
    }

    private bool _granted;

    private async Task GrantRiveraObservationsAsync()
    {
        if (_granted) return;
        await new RecordsClient(demo.Client).GrantAsync(demo.Keys["patient-jones"], demo.Account(DemoFhirAccess.Practitioner).ToString(), null, "treatment", [],
            ["Observation"], DateTimeOffset.UtcNow.AddDays(1));
        _granted = true;
    }

    private async Task<(HttpStatusCode Status, JsonObject Outcome)> CreateAsync(byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "fhir/Observation") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/fhir+json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(Path.Combine(demo.Node.DataDir, DemoFhirAccess.TokenFileName)).Trim());
        using var response = await demo.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text) as JsonObject ?? new JsonObject { ["body"] = text });
    }
}
