using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Client.Licensing;
using CareLedger.Contracts.Licensing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Licensing;

/// <summary>Whether a practitioner holds a valid licence, now or at a given time. Needs no key; exits 2 when not.</summary>
public sealed class LicenceVerifyCommand(CliSession session) : AsyncCommand<LicenceVerifyCommand.Settings>
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<PRACTITIONER>")]
        [Description("The practitioner: an account id or a key name in the keystore")]
        public string Practitioner { get; init; } = "";

        [CommandOption("--at <DATE>")]
        [Description("yyyy-MM-dd (UTC), ISO 8601 or Unix ms. Default: now")]
        public string? At { get; init; }

        [CommandOption("--json")]
        [Description("Print the contract's answer as JSON")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var at = settings.At is null ? (long?)null : LedgerTime.Parse(settings.At, "--at");
        using var http = settings.Connect();
        var verdict = await new LicensingClient(new NodeClient(http)).VerifyAsync(settings.ResolveAccount(settings.Practitioner), at, ct);
        if (settings.Json)
        {
            session.WriteJson(verdict);
            return verdict.Valid ? ExitCodes.Ok : ExitCodes.Invalid;
        }

        var who = settings.Practitioner;
        var when = LedgerTime.Format(verdict.At);
        if (verdict.Valid) session.Success($"{who} holds a valid licence at {when}");
        if (verdict.Licence is { } licence) session.Out.Write(Details(licence));
        if (!verdict.Valid) throw new CliException($"{who} holds no valid licence at {when}: {verdict.Reason}", ExitCodes.Invalid);
        return ExitCodes.Ok;
    }

    private static Grid Details(Licence licence)
    {
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        void Row(string label, string value) => grid.AddRow(new Markup($"[grey]{label}[/]"), new Text(value));
        Row("Practitioner", licence.Practitioner.ToString());
        Row("Specialty", licence.Specialty);
        Row("Jurisdiction", licence.Jurisdiction);
        Row("Valid", $"{LedgerTime.Format(licence.ValidFrom)} to {LedgerTime.Format(licence.ValidUntil)}");
        Row("Issuer", licence.Issuer);
        Row("Number", licence.Number);
        if (licence.Revoked) Row("Revoked", $"{LedgerTime.Format(licence.RevokedAt)}: {licence.RevokeReason}");
        return grid;
    }
}
