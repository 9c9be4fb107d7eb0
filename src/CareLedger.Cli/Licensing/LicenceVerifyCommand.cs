using System.ComponentModel;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Encoding;
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
        var args = new CborMap { ["practitioner"] = settings.ResolveAccount(settings.Practitioner).ToString() };
        if (settings.At is not null) args["at"] = LedgerTime.Parse(settings.At, "--at");
        using var http = settings.Connect();
        var answer = await new NodeClient(http).QueryAsync("licensing", "verify", args, ct);
        var valid = answer["valid"]?.GetValue<bool>() == true;
        if (settings.Json)
        {
            session.WriteJson(answer);
            return valid ? ExitCodes.Ok : ExitCodes.Invalid;
        }

        var who = settings.Practitioner;
        var at = LedgerTime.Format(answer["at"]!.GetValue<long>());
        if (valid) session.Success($"{who} holds a valid licence at {at}");
        if (answer["licence"] is JsonObject licence) session.Out.Write(Details(licence));
        if (!valid) throw new CliException($"{who} holds no valid licence at {at}: {answer["reason"]}", ExitCodes.Invalid);
        return ExitCodes.Ok;
    }

    private static Grid Details(JsonObject licence)
    {
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        void Row(string label, string value) => grid.AddRow(new Markup($"[grey]{label}[/]"), new Text(value));
        Row("Practitioner", licence["practitioner"]!.ToString());
        Row("Specialty", licence["specialty"]!.ToString());
        Row("Jurisdiction", licence["jurisdiction"]!.ToString());
        Row("Valid", $"{LedgerTime.Format(licence["validFrom"]!.GetValue<long>())} to {LedgerTime.Format(licence["validUntil"]!.GetValue<long>())}");
        Row("Issuer", licence["issuer"]!.ToString());
        Row("Number", licence["number"]!.ToString());
        if (licence["revoked"]?.GetValue<bool>() == true)
            Row("Revoked", $"{LedgerTime.Format(licence["revokedAt"]!.GetValue<long>())}: {licence["revokeReason"]}");
        return grid;
    }
}
