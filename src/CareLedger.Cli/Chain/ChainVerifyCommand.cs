using System.ComponentModel;
using System.Formats.Cbor;
using System.Net;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Contracts;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Chain;

/// <summary>
/// Replays a whole chain from its genesis block, trusting neither the node nor its database:
/// every hash link, Merkle root, signature, result and state commitment is recomputed, and each
/// block's signatures are judged by the validator set of its height (following the votes that change it).
/// </summary>
public sealed class ChainVerifyCommand(CliSession session) : AsyncCommand<ChainVerifyCommand.Settings>
{
    public sealed class Settings : AccountSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("Verify a node's data folder (its ledger.db, opened read-only, one snapshot) instead of asking a node; also checks the stored state")]
        public string? Data { get; init; }

        [CommandOption("--store <CONNECTION>")]
        [Description("Verify a node's ledger in PostgreSQL (its CareLedger:Store connection string, read in one REPEATABLE READ snapshot); also checks the stored state")]
        public string? Store { get; init; }

        public override ValidationResult Validate() =>
            new[] { Data, Store, Node }.Count(s => s is not null) > 1 ? ValidationResult.Error("give one of --data, --store or --node") : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var checker = Checker();
        var ends = new Ends();
        ChainReport report;
        string source;
        string? stateCheck = null;
        if (settings.Data is not null || settings.Store is not null)
        {
            using var ledger = settings.Data is { } dir ? await DataFolder.OpenLedgerAsync(dir, ct) : await OpenStoreAsync(settings.Store!, ct);
            source = settings.Data is not null ? DataFolder.LedgerPath(settings.Data) : PostgresLedgerStore.Describe(settings.Store!);
            var head = ledger.Head?.Height ?? throw new CliException($"the ledger in {source} holds no blocks");
            report = await ReplayAsync(head, ends, progress => checker.ReplayAsync(ends.Watch(ledger.ReadBlocksAsync(0, head, ct)), progress, ct));
            if (report.Valid)
            {
                if (StateComparison.FirstDifference(report.State!, ledger.Scan("")) is { } difference)
                    throw new CliException($"the stored state disagrees with the replayed chain: {difference}", ExitCodes.Invalid);
                stateCheck = $"matches the replay ({report.State!.Count} entries)";
            }
        }
        else
        {
            using var http = settings.Connect();
            var node = settings.ConnectAs(http, session);
            var head = (await node.GetChainAsync(ct)).Height;
            try
            {
                report = await ReplayAsync(head, ends, progress => checker.ReplayAsync(ends.Watch(NodeBlocks.FetchAsync(node, head, ct)), progress, ct));
            }
            catch (NodeApiException e) when (e.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var refused = session.ReadingAs is { Length: > 0 } name ? $"access refused to {name}" : "not signed";
                throw new CliException($"{refused}: a node gives its raw blocks only to the consortium's nodes and auditors; " +
                                       "replay as one of them with --as <KEY>, or verify a node's data folder with --data");
            }
            source = settings.NodeAddress.ToString();
        }

        if (!report.Valid)
        {
            var verified = report.BlocksChecked > 0 ? $" (blocks 0-{report.BlocksChecked - 1} verify)" : "";
            throw new CliException($"block {report.FirstBadHeight} fails verification: {report.Reason}{verified}", ExitCodes.Invalid);
        }
        Summarise(report, ends, source, stateCheck);
        return ExitCodes.Ok;
    }

    private static async Task<ILedgerStore> OpenStoreAsync(string connectionString, CancellationToken ct)
    {
        string where;
        try { where = PostgresLedgerStore.Describe(connectionString); }
        catch (ArgumentException e) { throw new CliException($"--store is not a PostgreSQL connection string: {e.Message}"); }
        try { return await PostgresLedgerStore.OpenReadOnlyAsync(connectionString, ct); }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            throw new CliException($"the {where} cannot be reached or refused the connection ({e.Message})");
        }
        catch (LedgerFormatException e) { throw new CliException(e.Message); }
    }

    /// <summary>The consortium's contracts, and its validator set as the membership contract keeps it.</summary>
    public static ChainChecker Checker() => new(g => ConsortiumContracts.CreateRuntime(g.ChainId), LedgerValidatorSet.For);

    private Task<ChainReport> ReplayAsync(ulong head, Ends ends, Func<Action<ulong>, Task<ChainReport>> replay)
    {
        var console = session.Out;
        if (!console.Profile.Capabilities.Interactive || !console.Profile.Capabilities.Ansi) return Task.Run(() => GuardedAsync(ends, replay, _ => { }));
        return console.Progress().AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("Replaying blocks", maxValue: head + 1);
                return await Task.Run(() => GuardedAsync(ends, replay, height => task.Value = height + 1));
            });
    }

    /// <summary>
    /// Some damage still makes the replay throw instead of the verifier reporting it: an out-of-range
    /// integer in a header (OverflowException escapes Block.Decode), or a genesis document that decodes
    /// but that a contract cannot initialise from (ExecuteGenesis is not guarded). Whatever the replay
    /// throws while a block is being checked is that block's failure.
    /// </summary>
    private static async Task<ChainReport> GuardedAsync(Ends ends, Func<Action<ulong>, Task<ChainReport>> replay, Action<ulong> progress)
    {
        try { return await replay(progress); }
        catch (Exception e) when (e is CborMapException or CborContentException or FormatException or InvalidOperationException or ArgumentException or OverflowException
                                  && ends.Last is { } block)
        {
            return new ChainReport(false, block.Height, 0, block.Height, $"damaged block: {e.Message}", Hash256.Zero);
        }
    }

    private void Summarise(ChainReport report, Ends ends, string source, string? stateCheck)
    {
        var genesis = Block.Decode(ends.First!.Header, ends.First.Body);
        var chainId = GenesisDocument.Decode(genesis.Genesis!).ChainId;
        session.Success($"chain {chainId} verified from its genesis: {report.BlocksChecked} blocks, {report.TransactionsChecked} transactions replayed");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Source[/]"), new Text(source));
        grid.AddRow(new Markup("[grey]Head[/]"), new Text($"block {ends.Last!.Height}  {Hash256.Of(ends.Last.Header)}"));
        grid.AddRow(new Markup("[grey]State root[/]"), new Text(report.StateRoot.ToString()));
        grid.AddRow(new Markup("[grey]Genesis[/]"), new Text($"{genesis.Hash}  (compare it with a copy you trust)"));
        if (stateCheck is not null) grid.AddRow(new Markup("[grey]State table[/]"), new Text(stateCheck));
        session.Out.Write(grid);
    }

    /// <summary>Remembers the first and last block the replay read, for the summary.</summary>
    private sealed class Ends
    {
        public StoredBlock? First { get; private set; }
        public StoredBlock? Last { get; private set; }

        public async IAsyncEnumerable<StoredBlock> Watch(IAsyncEnumerable<StoredBlock> blocks)
        {
            await foreach (var block in blocks)
            {
                First ??= block;
                Last = block;
                yield return block;
            }
        }
    }
}
