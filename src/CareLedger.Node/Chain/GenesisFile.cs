using System.Text.Json.Nodes;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Node.Chain;

/// <summary>
/// Reads a genesis document from JSON. Validator keys are base64 SubjectPublicKeyInfo strings;
/// everything else maps one to one onto the CBOR document that block 0 carries.
/// </summary>
public static class GenesisFile
{
    public static GenesisDocument Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"genesis file {path} does not exist");
        var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new CborMapException("genesis must be a JSON object");
        var validators = json["validators"] as JsonArray ?? throw new CborMapException("genesis has no 'validators' list");
        json.Remove("validators");
        var map = CborMapJson.FromJson(json);
        map["validators"] = validators.Select(v => (object)Convert.FromBase64String(v!.GetValue<string>())).ToList();
        return new GenesisDocument(map);
    }

    /// <summary>Whether the document is a demo consortium's (it carries "demo": true).</summary>
    public static bool IsDemo(string path) => JsonNode.Parse(File.ReadAllText(path)) is JsonObject json && json["demo"] is not null;

    public static void Save(string path, JsonObject genesis)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, genesis.ToJsonString(new() { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }
}
