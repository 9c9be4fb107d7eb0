using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Contracts;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consortium;

/// <summary>
/// Proposes that an organisation's node join the validators, with that node's validator key given
/// or read from its status; the signing admin's organisation approves it at once.
/// </summary>
public sealed class ConsortiumProposeJoinCommand(CliSession session) : AsyncCommand<ConsortiumProposeJoinCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<ORGANISATION>")]
        [Description("The joining organisation's id, e.g. central-lab")]
        public string Organisation { get; init; } = "";

        [CommandOption("--node-key <BASE64>")]
        [Description("The joining node's validator key (base64 SubjectPublicKeyInfo): selfKey in its consortium status")]
        public string? NodeKey { get; init; }

        [CommandOption("--from-node <URL>")]
        [Description("Read the validator key from the joining node's consortium status at this address")]
        public string? FromNode { get; init; }

        [CommandOption("--name <NAME>")]
        [Description("The organisation's display name, when it is new. Default: its id")]
        public string? Name { get; init; }

        [CommandOption("--kind <KIND>")]
        [Description("The organisation's kind, needed when it is new: clinic, pharmacy, laboratory, insurer, …")]
        public string? Kind { get; init; }

        public override ValidationResult Validate()
        {
            if (!CallerIds.IsValid(Organisation)) return ValidationResult.Error($"'{Organisation}' is not an organisation id (1-64 lowercase letters, digits or dashes)");
            if ((NodeKey is null) == (FromNode is null)) return ValidationResult.Error("give either the joining node's key with --node-key or its address with --from-node");
            if (NodeKey is not null && ParseKey(NodeKey) is null)
                return ValidationResult.Error("--node-key is not a P-256 public key in base64 (SubjectPublicKeyInfo, as selfKey in the node's consortium status)");
            if (FromNode is not null && !(Uri.TryCreate(FromNode, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                return ValidationResult.Error($"--from-node must be an http(s) address such as http://lab.example:5080, not '{FromNode}'");
            if (Kind is not null && !OrganisationKinds.All.Contains(Kind))
                return ValidationResult.Error($"unknown organisation kind '{Kind}'; kinds are {string.Join(", ", OrganisationKinds.All)}");
            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var key = settings.NodeKey is { } given ? ParseKey(given)! : await ReadNodeKeyAsync(new Uri(settings.FromNode!.TrimEnd('/') + "/"), ct);
        return await ValidatorVote.SendAsync(session, settings, "propose-validator",
            (consortium, signer) => consortium.ProposeJoinAsync(signer, settings.Organisation, key, settings.Name, settings.Kind, ct));
    }

    /// <summary>The key as a validator key, or null when it is not base64 of a P-256 SubjectPublicKeyInfo.</summary>
    private static byte[]? ParseKey(string base64)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            return SignatureVerifier.IsValidPublicKey(key) ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadNodeKeyAsync(Uri node, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TimeSpan.FromSeconds(60) };
        string body;
        try
        {
            // A node's own key is public on /v1/chain (its consortium status is for members and nodes).
            using var response = await http.GetAsync("v1/chain", ct);
            if (!response.IsSuccessStatusCode)
                throw new CliException($"the joining node at {node} answered {(int)response.StatusCode} {response.ReasonPhrase} for its chain; is --from-node right?");
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach the joining node at {node} ({e.Message}); is it running, and is --from-node right?");
        }

        string? selfKey;
        try { selfKey = (JsonNode.Parse(body) as JsonObject)?["nodeKey"]?.GetValue<string>(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { selfKey = null; }
        if (selfKey is null) throw new CliException($"{node} reports no node key (nodeKey) on /v1/chain: it runs an older CareLedger node, or --from-node points elsewhere");
        return ParseKey(selfKey) ?? throw new CliException($"{node} reports a nodeKey that is not a P-256 public key");
    }
}
