using System.ComponentModel;
using CareLedger.Cli.Records;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Records;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consent;

/// <summary>Withdraws a grant; it stops holding from the block that records the revocation.</summary>
public sealed class ConsentRevokeCommand(CliSession session) : AsyncCommand<ConsentRevokeCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<GRANT-ID>")]
        [Description("The grant (32 hex characters), as 'consent grant' or 'consent list' printed it")]
        public string Grant { get; init; } = "";

        public override ValidationResult Validate()
        {
            var id = RecordIds.Check(Grant, "grant");
            return id.Successful ? base.Validate() : id;
        }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct) =>
        Submission.SendAsync(session, settings, "records.revoke", (node, key) => new RecordsClient(node).RevokeAsync(key, settings.Grant, ct));
}
