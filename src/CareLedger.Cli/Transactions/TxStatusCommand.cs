using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Transactions;

/// <summary>A transaction's receipt: committed (valid or invalid, with its events), pending or unknown.</summary>
public sealed class TxStatusCommand(CliSession session) : AsyncCommand<TxStatusCommand.Settings>
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<TX-ID>")]
        [Description("The transaction id (64 hex characters)")]
        public string TxId { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print the receipt as JSON")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Hash256.TryParse(TxId, out _) ? base.Validate() : ValidationResult.Error($"'{TxId}' is not a transaction id (64 hex characters)");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        var receipt = await settings.ConnectAs(http, session).GetReceiptAsync(settings.TxId, ct);
        if (settings.Json) session.WriteJson(receipt);
        else ReceiptView.Render(session.Out, receipt);
        return ExitCodes.Ok;
    }
}
