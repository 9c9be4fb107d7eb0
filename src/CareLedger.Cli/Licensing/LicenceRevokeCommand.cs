using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Licensing;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Licensing;

/// <summary>Revokes a practitioner's licence from now on; signed by an admin of the licensing authority.</summary>
public sealed class LicenceRevokeCommand(CliSession session) : AsyncCommand<LicenceRevokeCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<PRACTITIONER>")]
        [Description("The practitioner: an account id or a key name in the keystore")]
        public string Practitioner { get; init; } = "";

        [CommandOption("--reason <REASON>", isRequired: true)]
        [Description("Why, as it will stand on the ledger")]
        public string Reason { get; init; } = "";
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct) =>
        Submission.SendAsync(session, settings, "licensing.revoke",
            (node, key) => new LicensingClient(node).RevokeAsync(key, settings.ResolveAccount(settings.Practitioner), settings.Reason, ct));
}
