using System.Text.Encodings.Web;
using System.Text.Json;
using CareLedger.Vault.Fhir;

namespace CareLedger.Cli.Records;

/// <summary>A FHIR R4 resource read from a file and checked with the Firely SDK before any key is unlocked or anything is signed.</summary>
public sealed record FhirFile(string Json, string Type)
{
    public static FhirFile Read(string path)
    {
        if (!File.Exists(path)) throw new CliException($"no file at {path}");
        var json = File.ReadAllText(path);
        var parsed = FhirResources.Parse(json);
        if (!parsed.IsValid)
            throw new CliException($"{path} is not a valid FHIR R4 record ({Count(parsed.Errors.Count)}): {string.Join("; ", parsed.Errors)}; nothing was sent");
        return new FhirFile(json, parsed.Resource!.TypeName);
    }

    /// <summary>The JSON indented for people, every value exactly as it came, non-ASCII text left readable.</summary>
    public static string Pretty(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            document.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Count(int errors) => errors == 1 ? "1 error" : $"{errors} errors";
}
