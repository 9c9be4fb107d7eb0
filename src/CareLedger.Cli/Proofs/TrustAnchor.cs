using System.Formats.Cbor;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Cli.Chain;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;

namespace CareLedger.Cli.Proofs;

/// <summary>
/// What a proof is checked against: the validators the user trusts and, from a genesis file or a
/// chain, the chain they run. From a chain (<see cref="FromChainAsync"/>) the validators are the set of
/// the proof's height, and <see cref="ParentChain"/> is the replay the proof's block must extend.
/// </summary>
public sealed record TrustAnchor(IReadOnlySet<AccountId> Validators, string? ChainId)
{
    /// <summary>The chain replayed up to the parent of the proof's block, when the validators come from a chain.</summary>
    public ChainReport? ParentChain { get; init; }

    /// <summary>Where the validators come from, for the summary.</summary>
    public string? Source { get; init; }

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

    /// <summary>
    /// The validators of block <paramref name="height"/> as a node's data folder records them: its chain is
    /// replayed and verified from its genesis up to block <paramref name="height"/> - 1, following every vote
    /// that changed the set. Trusts nothing but that chain's genesis, whose hash the summary shows.
    /// </summary>
    public static async Task<TrustAnchor> FromChainAsync(string dataDir, ulong height, CancellationToken ct)
    {
        using var ledger = await DataFolder.OpenLedgerAsync(dataDir, ct);
        var source = DataFolder.LedgerPath(dataDir);
        if (ledger.Head is not { } head || head.Height + 1 < height)
            throw new CliException($"the chain in {source} ends before block {(height == 0 ? 0 : height - 1)}, the parent of the proof's block: let its node catch up first");
        ChainReport report;
        Block block0;
        try
        {
            List<StoredBlock> blocks = height == 0 ? [] : await ledger.ReadBlocksAsync(0, height - 1, ct).ToListAsync(ct);
            report = await ChainVerifyCommand.Checker().ReplayAsync(blocks.ToAsyncEnumerable(), ct: ct);
            block0 = Block.Decode(blocks[0].Header, blocks[0].Body);
        }
        catch (Exception e) when (e is CborMapException or CborContentException or FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new CliException($"the chain in {source} is damaged: {e.Message}", ExitCodes.Invalid);
        }
        if (!report.Valid) throw new CliException($"the chain in {source} fails verification at block {report.FirstBadHeight}: {report.Reason}", ExitCodes.Invalid);
        return new TrustAnchor(report.NextValidators!, GenesisDocument.Decode(block0.Genesis!).ChainId)
        {
            ParentChain = report,
            Source = $"{source}, replayed from its genesis block {block0.Hash} (compare it with a copy you trust) to block {height - 1}",
        };
    }
}
