using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Serialization;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Proofs;

/// <summary>
/// Checks a proof file offline, contacting no node: the transaction's signature, the Merkle path to
/// the block's transactions root, and the validators' signatures over the block. Given trusted validators,
/// a strict majority of them must have signed unless --quorum says how many. With --data the trusted
/// validators are those of the proof's height, from a node's chain replayed up to the proof's block,
/// which must extend it: sound across votes that changed the set. Exits 2 when it fails.
/// </summary>
public sealed class ProofVerifyCommand(CliSession session) : AsyncCommand<ProofVerifyCommand.Settings>
{
    // Every field of the file must be present, spelled exactly, and nothing else.
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("A proof file written by 'careledger proof get'")]
        public string File { get; init; } = "";

        [CommandOption("--genesis <FILE>")]
        [Description("Trust the validators of this genesis.json, and require the proof to be from its chain")]
        public string? Genesis { get; init; }

        [CommandOption("--validator <ACCOUNT>")]
        [Description("Trust this validator account (repeatable)")]
        public string[] Validators { get; init; } = [];

        [CommandOption("--data <DIR>")]
        [Description("Trust the validators of the proof's height, from this node data folder's chain (read-only), verified from its genesis up to the proof's block")]
        public string? Data { get; init; }

        [CommandOption("--quorum <N>")]
        [Description("How many of the trusted validators must have signed the block (default: a strict majority of them)")]
        public int? Quorum { get; init; }

        public override ValidationResult Validate() => Quorum switch
        {
            < 1 => ValidationResult.Error("--quorum must be at least 1"),
            _ when Data is not null && (Genesis is not null || Validators.Length > 0) => ValidationResult.Error("give --data, or --genesis and --validator, not both"),
            not null when Genesis is null && Validators.Length == 0 && Data is null => ValidationResult.Error("--quorum counts trusted validators: name them with --genesis, --validator or --data"),
            _ => ValidationResult.Success(),
        };
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var anchor = settings.Data is null ? Anchor(settings) : null;
        var (file, proof) = Read(settings.File);
        if (settings.Data is { } dir) anchor = await TrustAnchor.FromChainAsync(dir, proof.Header.Height, ct);
        var quorum = Quorum(settings, anchor);
        var verdict = anchor?.ParentChain is { } chain ? proof.VerifyOn(chain, quorum) : proof.Verify(anchor?.Validators, quorum);
        if (!verdict.Valid) throw Invalid(verdict.Reason!);
        Transaction.TryDecode(proof.Transaction, out var tx, out _);
        if (WireFormat.Mislabelled(file, proof, tx!, verdict) is { } lie) throw Invalid(lie);
        if (anchor?.ChainId is { } chainId && tx!.ChainId != chainId) throw Invalid($"the transaction is for chain '{tx.ChainId}', the {(settings.Data is null ? "genesis file" : "chain in --data")} is for '{chainId}'");

        session.Success($"proof holds: transaction {verdict.TxId} is in block {proof.Header.Height} of chain {tx!.ChainId}");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Block[/]"), new Text($"{proof.Header.Height}  {proof.Header.Hash()}  {LedgerTime.Format(proof.Header.Time)}"));
        grid.AddRow(new Markup("[grey]Action[/]"), new Text($"{tx.Contract}.{tx.Action} by {tx.Sender}"));
        grid.AddRow(new Markup("[grey]Result[/]"), proof.Result.Valid ? new Markup("[green]valid[/]") : new Markup($"[red]invalid:[/] {Markup.Escape(proof.Result.Reason ?? "")}"));
        foreach (var signer in verdict.Signers)
            grid.AddRow(new Markup("[grey]Signed by[/]"), new Text(signer + (anchor is null ? "" : "  (trusted)")));
        if (anchor is not null)
            grid.AddRow(new Markup("[grey]Quorum[/]"), new Text($"{verdict.Signers.Count} of {anchor.Validators.Count} trusted validators signed; {quorum} needed"
                + (settings.Quorum is null ? " (a strict majority)" : " (--quorum)")));
        if (anchor?.Source is { } source) grid.AddRow(new Markup("[grey]Validators[/]"), new Text($"of block {proof.Header.Height}, from {source}"));
        session.Out.Write(grid);
        if (anchor is null)
            session.Warning("no trusted validators given (--genesis, --validator or --data): the signatures are genuine, but whether their signers are the chain's validators is yours to check");
        else if (settings.Data is null && proof.Signatures.Select(s => s.Validator).Distinct().Count() > verdict.Signers.Count)
            session.Warning("some signers are not among the trusted validators: if the chain's validator set changed by vote, check with --data <a node's data folder>, which takes the set of the proof's height");
        return ExitCodes.Ok;
    }

    private static (ProofDto File, TransactionProof Proof) Read(string path)
    {
        if (!System.IO.File.Exists(path)) throw new CliException($"no proof file at {path}");
        try
        {
            var file = JsonSerializer.Deserialize<ProofDto>(System.IO.File.ReadAllText(path), Strict) ?? throw new FormatException("the file is empty");
            return (file, WireFormat.FromDto(file));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw Invalid($"{path} is not a well-formed proof: {e.Message}");
        }
    }

    private static TrustAnchor? Anchor(Settings settings)
    {
        if (settings.Genesis is null && settings.Validators.Length == 0) return null;
        var fromGenesis = settings.Genesis is null ? null : TrustAnchor.FromGenesisFile(settings.Genesis);
        var validators = settings.Validators.Select(AccountId.Parse).Concat(fromGenesis?.Validators ?? Enumerable.Empty<AccountId>()).ToHashSet();
        return new TrustAnchor(validators, fromGenesis?.ChainId);
    }

    /// <summary>Trusted signatures a proof needs: a strict majority of the trusted validators unless --quorum says otherwise.</summary>
    private static int Quorum(Settings settings, TrustAnchor? anchor)
    {
        if (anchor is null) return 1;
        var quorum = settings.Quorum ?? anchor.Validators.Count / 2 + 1;
        if (quorum > anchor.Validators.Count)
            throw new CliException($"--quorum {quorum} can never be met: only {anchor.Validators.Count} validator(s) are trusted");
        return quorum;
    }

    private static CliException Invalid(string reason) => new($"proof is invalid: {reason}", ExitCodes.Invalid);
}
