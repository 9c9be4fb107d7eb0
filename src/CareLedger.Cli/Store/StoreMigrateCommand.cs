using System.ComponentModel;
using CareLedger.Cli.Chain;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Store;

/// <summary>
/// Moves a node's ledger from its data folder's SQLite database into PostgreSQL: the blocks as their stored
/// bytes, the transaction index, later signatures and the state table, in one PostgreSQL transaction. Then it
/// trusts nothing it wrote: it reads the target back, compares every block's bytes and the head with the source,
/// replays the target's chain to its state root and compares the state table entry by entry.
/// </summary>
public sealed class StoreMigrateCommand(CliSession session) : AsyncCommand<StoreMigrateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--from <DIR>")]
        [Description("The node's data folder (its ledger.db is opened read-only); stop the node first")]
        public string? From { get; init; }

        [CommandOption("--to <CONNECTION>")]
        [Description("The PostgreSQL connection string of an empty database (Host=…;Port=…;Database=…;Username=…)")]
        public string? To { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(From)) return ValidationResult.Error("give the node's data folder with --from <DIR>");
            if (string.IsNullOrWhiteSpace(To)) return ValidationResult.Error("give the target database with --to <CONNECTION>");
            try { _ = new NpgsqlConnectionStringBuilder(To); }
            catch (ArgumentException e) { return ValidationResult.Error($"--to is not a PostgreSQL connection string: {e.Message}"); }
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var target = PostgresLedgerStore.Describe(settings.To!);
        using var source = await DataFolder.OpenLedgerAsync(settings.From!, ct);
        if (source.Head is null) throw new CliException($"the ledger in {settings.From} holds no blocks");
        ulong copied;
        try
        {
            if (!await PostgresLedgerStore.IsEmptyAsync(settings.To!, ct))
                throw new CliException($"the {target} already holds a ledger; migrate into an empty database");
            copied = await PostgresLedgerStore.ImportAsync(source, settings.To!, ct);
            using var migrated = await PostgresLedgerStore.OpenReadOnlyAsync(settings.To!, ct);
            var entries = await VerifyAsync(source, migrated, ct);
            session.Success($"migrated {copied} blocks and {entries} state entries to the {target}");
            var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
            grid.AddRow(new Markup("[grey]Head[/]"), new Text($"block {migrated.Head!.Height}  {migrated.Head.Hash()}  (same as the source)"));
            grid.AddRow(new Markup("[grey]State root[/]"), new Text($"{migrated.Head.StateRoot}  (the replayed chain's)"));
            grid.AddRow(new Markup("[grey]Next[/]"), new Text("start the node with --CareLedger:Store=<the same connection string> and the same --data folder (its keys and vault stay there)"));
            session.Out.Write(grid);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new CliException($"the {target} cannot be reached or refused the migration ({e.Message})");
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>The target's blocks are the source's bytes, its chain replays to its head's state root, and its state table is the source's.</summary>
    private static async Task<int> VerifyAsync(ILedgerStore source, ILedgerStore migrated, CancellationToken ct)
    {
        if (migrated.Head!.Hash() != source.Head!.Hash())
            throw new CliException($"verification failed: the target's head is block {migrated.Head.Height} {migrated.Head.Hash()}, the source's block {source.Head.Height} {source.Head.Hash()}", ExitCodes.Invalid);
        await using var theirs = source.ReadBlocksAsync(ct: ct).GetAsyncEnumerator(ct);
        await foreach (var block in migrated.ReadBlocksAsync(ct: ct))
        {
            if (!await theirs.MoveNextAsync() || theirs.Current.Height != block.Height
                || !theirs.Current.Header.AsSpan().SequenceEqual(block.Header) || !theirs.Current.Body.AsSpan().SequenceEqual(block.Body))
                throw new CliException($"verification failed: block {block.Height} differs from the source's", ExitCodes.Invalid);
            if ((await migrated.GetBlockAsync(block.Height, ct))!.Signatures.Count != (await source.GetBlockAsync(block.Height, ct))!.Signatures.Count)
                throw new CliException($"verification failed: block {block.Height} has other signatures than the source's", ExitCodes.Invalid);
        }
        var report = await ChainVerifyCommand.Checker().ReplayAsync(migrated.ReadBlocksAsync(ct: ct), ct: ct);
        if (!report.Valid) throw new CliException($"verification failed: the target's block {report.FirstBadHeight} fails: {report.Reason}", ExitCodes.Invalid);
        if (report.StateRoot != migrated.Head.StateRoot || report.StateRoot != source.Head.StateRoot)
            throw new CliException($"verification failed: the replayed state root {report.StateRoot} is not the head's", ExitCodes.Invalid);
        var stored = migrated.Scan("").ToList();
        if (StateComparison.FirstDifference(report.State!, stored) is { } difference)
            throw new CliException($"verification failed: the target's state table disagrees with its chain: {difference}", ExitCodes.Invalid);
        if (StateComparison.FirstDifference(report.State!, source.Scan("")) is { } sourceDifference)
            throw new CliException($"verification failed: the source's state table disagrees with its chain: {sourceDifference}", ExitCodes.Invalid);
        return stored.Count;
    }
}
