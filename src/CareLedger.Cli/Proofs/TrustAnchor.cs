using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Cli.Proofs;

/// <summary>What a proof is checked against: the validators the user trusts and, from a genesis file, the chain they run.</summary>
public sealed record TrustAnchor(IReadOnlySet<AccountId> Validators, string? ChainId)
{
    /// <summary>The validators named in a genesis file (base64 SubjectPublicKeyInfo keys, as the node writes genesis.json).</summary>
    public static TrustAnchor FromGenesisFile(string path)
    {
        if (!File.Exists(path)) throw new CliException($"no genesis file at {path}");
        try
        {
            var genesis = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            var chainId = genesis?["chainId"]?.GetValue<string>();
            if (genesis?["validators"] is not JsonArray list || chainId is null) throw new CliException($"{path} is not a genesis file: it needs 'chainId' and 'validators'");
            var validators = list.Select(v => AccountId.FromPublicKey(Convert.FromBase64String(
                v?.GetValue<string>() ?? throw new FormatException("a validator key is null")))).ToHashSet();
            return new TrustAnchor(validators, chainId);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new CliException($"{path} is not a readable genesis file: {e.Message}");
        }
    }
}
