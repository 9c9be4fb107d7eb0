using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Contracts.Records;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consent;

/// <summary>The grants a patient has given, as the ledger holds them: active, expired or revoked. Needs no passphrase.</summary>
public sealed class ConsentListCommand(CliSession session) : AsyncCommand<ConsentListCommand.Settings>
{
    public sealed class Settings : AccountSettings
    {
        [CommandOption("--patient <ACCOUNT>")]
        [Description("Whose grants: an account id or a key name in the keystore")]
        public string? Patient { get; init; }

        [CommandOption("--key <NAME>")]
        [Description("Whose grants, as a key name in the keystore")]
        public string? Key { get; init; }

        [CommandOption("--json")]
        [Description("Print the grants as JSON")]
        public bool Json { get; init; }

        public override string? ReadsAbout => Key ?? Patient;

        public override ValidationResult Validate() => (Patient is null) == (Key is null)
            ? ValidationResult.Error("give --patient or --key to say whose grants")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var who = (settings.Patient ?? settings.Key)!;
        var patient = settings.ResolveAccount(who);
        using var http = settings.Connect();
        var grants = await new RecordsClient(settings.ConnectAs(http, session)).GrantsAsync(patient, ct);
        if (settings.Json)
        {
            session.WriteJson(grants);
            return ExitCodes.Ok;
        }
        if (grants.Count == 0)
        {
            session.Out.MarkupLineInterpolated($"{who} has given no grants.");
            return ExitCodes.Ok;
        }

        var names = settings.Names();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var table = new Table().Border(TableBorder.Rounded).Title($"Grants given by {Markup.Escape(who)}")
            .AddColumn("Grant").AddColumn("To").AddColumn("Purpose").AddColumn("Scope").AddColumn("Expiry (UTC)").AddColumn("Status");
        foreach (var g in grants.OrderBy(g => g.Created))
        {
            var to = g.Grantee is { } grantee ? names.Of(grantee) : $"organisation {g.GranteeOrg}";
            var scope = GrantScope.Describe(g.Records.Select(AccountNames.Short), g.Types);
            table.AddRow(new Text(g.Id), new Text(to), new Text(g.Purpose), new Text(scope), new Text(LedgerTime.FormatUtc(g.Expiry)), Status(g, now));
        }
        session.Out.Write(table);
        return ExitCodes.Ok;
    }

    private static Markup Status(ConsentGrant grant, long now)
    {
        if (grant.Revoked) return new Markup($"[red]revoked[/] {LedgerTime.FormatUtc(grant.RevokedAt)}");
        return grant.Expiry <= now ? new Markup("[grey]expired[/]") : new Markup("[green]active[/]");
    }
}
