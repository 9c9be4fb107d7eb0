using CareLedger.Vault.Records;
using System.ComponentModel;
using CareLedger.Cli.Proofs;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>
/// Every read of the patient's records, allowed or refused, as the ledger logged it; break-glass
/// reads stand out. Each entry's Merkle receipt can be saved and checked offline.
/// </summary>
public sealed class AccessLogCommand(CliSession session) : AsyncCommand<AccessLogCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--json")]
        [Description("Print the entries as JSON")]
        public bool Json { get; init; }

        [CommandOption("--proofs <DIR>")]
        [Description("Also write each entry's Merkle receipt to DIR/<transaction>.json, for 'careledger proof verify'")]
        public string? Proofs { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        // The log's proofs and its readers' names are the patient's to read: everything here reads as them.
        var node = new NodeClient(http).As(key);
        var entries = await new RecordsClient(node).AccessLogAsync(key, ct: ct);
        if (settings.Json) session.WriteJson(entries);
        else if (entries.Count == 0) session.Out.MarkupLineInterpolated($"No one has read the records of {settings.Key} yet.");
        else await RenderAsync(entries, settings.Names(), node, settings.Key, ct);

        if (settings.Proofs is { } dir && entries.Count > 0) await WriteProofsAsync(node, entries, dir, settings.Json, ct);
        return ExitCodes.Ok;
    }

    private async Task RenderAsync(IReadOnlyList<AccessLogEntry> entries, AccountNames names, NodeClient node, string patient, CancellationToken ct)
    {
        var readers = await ReaderNamesAsync(entries, names, node, ct);
        var table = new Table().Border(TableBorder.Rounded).Title($"Access log of {Markup.Escape(patient)}")
            .AddColumn("Time (UTC)").AddColumn("Record").AddColumn("Type").AddColumn("Reader").AddColumn("Purpose").AddColumn("Outcome").AddColumn("Reason");
        foreach (var e in entries)
        {
            var outcome = e.BreakGlass ? $"{e.Outcome} (BREAK-GLASS)" : e.Outcome;
            var style = e.BreakGlass ? new Style(Color.Red, decoration: Decoration.Bold) : e.Outcome == "denied" ? new Style(Color.Yellow) : Style.Plain;
            string[] cells = [LedgerTime.FormatUtc(e.Time), e.Record, e.Type, readers[e.Reader], e.Purpose, outcome, e.Reason];
            table.AddRow(cells.Select(c => new Text(c, style)));
        }
        session.Out.Write(table);
        var denied = entries.Count(e => e.Outcome == "denied");
        var breakGlass = entries.Count(e => e.BreakGlass);
        session.Out.MarkupLineInterpolated($"{entries.Count} accesses: {entries.Count - denied} granted, {denied} denied, {breakGlass} break-glass");
    }

    /// <summary>Readers by their key name in the keystore, else by the name they are registered under (a node's service account, say).</summary>
    private static async Task<Dictionary<string, string>> ReaderNamesAsync(IEnumerable<AccessLogEntry> entries, AccountNames names, NodeClient node, CancellationToken ct)
    {
        var readers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reader in entries.Select(e => e.Reader).Distinct())
        {
            readers[reader] = names.Knows(reader) || !AccountId.TryParse(reader, out var account)
                ? names.Of(reader)
                : (await node.GetAccountAsync(account, ct)).Name ?? names.Of(reader);
        }
        return readers;
    }

    /// <summary>Entries logged by one transaction share its receipt, so there is one file per transaction.</summary>
    private async Task WriteProofsAsync(NodeClient node, IReadOnlyList<AccessLogEntry> entries, string dir, bool json, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        var txs = entries.Select(e => e.Tx).Distinct().ToList();
        // The ids become file names, so they must be what they claim to be.
        if (txs.FirstOrDefault(tx => !Hash256.TryParse(tx, out _)) is { } bad) throw new CliException($"the node logged an access under '{bad}', which is not a transaction id");
        foreach (var tx in txs) await ProofFile.WriteAsync(Path.Combine(dir, $"{tx}.json"), await node.GetProofAsync(tx, ct), ct);
        var written = $"{txs.Count} Merkle receipt(s) for {entries.Count} entries written to {dir}, one per logging transaction";
        if (json) session.Note(written);
        else
        {
            session.Success(written);
            session.Out.MarkupLine("  check one offline with [bold]careledger proof verify <file> --genesis <genesis.json>[/]");
        }
    }
}
