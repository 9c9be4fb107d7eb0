using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Licensing;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Licensing;

/// <summary>Issues (or renews) a practitioner's licence; signed by an admin of the licensing authority.</summary>
public sealed class LicenceIssueCommand(CliSession session) : AsyncCommand<LicenceIssueCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<PRACTITIONER>")]
        [Description("The practitioner: an account id or a key name in the keystore")]
        public string Practitioner { get; init; } = "";

        [CommandOption("--specialty <SPECIALTY>", isRequired: true)]
        [Description("e.g. cardiology")]
        public string Specialty { get; init; } = "";

        [CommandOption("--jurisdiction <JURISDICTION>", isRequired: true)]
        [Description("Where the licence holds, e.g. EU-DEMO")]
        public string Jurisdiction { get; init; } = "";

        [CommandOption("--valid-from <DATE>")]
        [Description("yyyy-MM-dd (UTC), ISO 8601 or Unix ms. Default: now")]
        public string? ValidFrom { get; init; }

        [CommandOption("--valid-until <DATE>", isRequired: true)]
        [Description("yyyy-MM-dd (UTC), ISO 8601 or Unix ms")]
        public string ValidUntil { get; init; } = "";
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var from = settings.ValidFrom is null ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : LedgerTime.Parse(settings.ValidFrom, "--valid-from");
        var until = LedgerTime.Parse(settings.ValidUntil, "--valid-until");
        if (until <= from) throw new CliException($"--valid-until ({LedgerTime.Format(until)}) must come after --valid-from ({LedgerTime.Format(from)})");
        var practitioner = settings.ResolveAccount(settings.Practitioner);
        return Submission.SendAsync(session, settings, "licensing.issue",
            (node, key) => new LicensingClient(node).IssueAsync(key, practitioner, settings.Specialty, settings.Jurisdiction, from, until, ct));
    }
}
