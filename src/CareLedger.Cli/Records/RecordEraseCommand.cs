using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>
/// Erases a record for good (the patient only): every node deletes its ciphertext and wrapped keys,
/// and the ledger keeps only hashes. Asks first, unless --yes.
/// </summary>
public sealed class RecordEraseCommand(CliSession session) : AsyncCommand<RecordEraseCommand.Settings>
{
    public sealed class Settings : RecordSettings
    {
        [CommandOption("--yes")]
        [Description("Do not ask for confirmation (needed when there is no terminal to ask on)")]
        public bool Yes { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        if (!settings.Yes && !session.CanPrompt)
            throw new CliException("erasing a record cannot be undone: confirm with --yes (there is no terminal to ask on)");
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var node = new NodeClient(http);
        var records = new RecordsClient(node);
        var record = await records.HistoryAsync(key, settings.Record, ct);
        if (record.Patient != key.Account.ToString())
            throw new CliException($"only the patient may erase a record; {settings.Record} belongs to {settings.Names().Of(record.Patient)}");
        var versions = record.Versions.Count == 1 ? "1 version" : $"{record.Versions.Count} versions";
        if (!settings.Yes && !session.Confirm($"Erase {record.Type} record {record.Record} ({versions}) on every node? This cannot be undone."))
            throw new CliException("nothing was erased");

        var exitCode = await Submission.SendAsync(session, "records.erase", () => records.EraseAsync(key, settings.Record, ct));
        session.Out.MarkupLine("[grey]Every node now deletes the record's ciphertext and wrapped keys; the ledger keeps only their hashes.[/]");
        return exitCode;
    }
}
