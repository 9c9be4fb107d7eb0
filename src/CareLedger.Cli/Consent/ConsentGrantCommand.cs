using System.ComponentModel;
using CareLedger.Cli.Records;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consent;

/// <summary>
/// The patient's consent: lets an account or an organisation read some records for a purpose until a
/// time. The record keys are re-wrapped for the grantee on this machine, then the grant is signed.
/// </summary>
public sealed class ConsentGrantCommand(CliSession session) : AsyncCommand<ConsentGrantCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--to <ACCOUNT>")]
        [Description("Who may read: an account id or a key name in the keystore")]
        public string? To { get; init; }

        [CommandOption("--org <ORG>")]
        [Description("Or every member of an organisation, e.g. city-clinic")]
        public string? Org { get; init; }

        [CommandOption("--purpose <PURPOSE>", isRequired: true)]
        [Description("treatment, second-opinion, research or public-health")]
        public string Purpose { get; init; } = "";

        [CommandOption("--record <ID>")]
        [Description("A record to share (repeatable)")]
        public string[] Records { get; init; } = [];

        [CommandOption("--type <TYPE>")]
        [Description("Share every record of this FHIR type that exists now, e.g. Observation (repeatable)")]
        public string[] Types { get; init; } = [];

        [CommandOption("--until <WHEN>", isRequired: true)]
        [Description("When the grant expires: yyyy-MM-dd (UTC), ISO 8601, or a span from now such as 12h, 30d or 2w")]
        public string Until { get; init; } = "";

        public override ValidationResult Validate()
        {
            if ((To is null) == (Org is null)) return ValidationResult.Error("say whom the grant is for: --to <account> or --org <organisation>, not both");
            if (!Purposes.Grantable.Contains(Purpose)) return ValidationResult.Error($"unknown purpose '{Purpose}'; purposes are {string.Join(", ", Purposes.Grantable)}");
            if (Records.Length + Types.Length == 0) return ValidationResult.Error("say what the grant covers: --record <id> or --type <FHIR type>, each repeatable");
            if (Records.Select(r => RecordIds.Check(r, "record")).FirstOrDefault(c => !c.Successful) is { } bad) return bad;
            if (Types.FirstOrDefault(t => !RecordsContract.ResourceTypes.Contains(t)) is { } type)
                return ValidationResult.Error($"a record cannot hold a {type}; types are {string.Join(", ", RecordsContract.ResourceTypes)}");
            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var expiry = LedgerTime.ParseUntil(settings.Until, "--until", now);
        if (expiry <= now.ToUnixTimeMilliseconds()) throw new CliException($"--until: {LedgerTime.Format(expiry)} has already passed");
        AccountId? grantee = settings.To is null ? null : settings.ResolveAccount(settings.To);
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var node = new NodeClient(http).As(key);
        if (grantee is { } account) await RequirePublishedKeyAsync(node, account, settings.To!, ct);

        var grant = await new RecordsClient(node).GrantAsync(key, grantee?.ToString(), settings.Org, settings.Purpose, settings.Records, settings.Types,
            DateTimeOffset.FromUnixTimeMilliseconds(expiry), ct);

        var to = settings.To ?? $"organisation {settings.Org}";
        session.Success($"{to} may read for {settings.Purpose} until {LedgerTime.Format(expiry)}");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Grant[/]"), new Text(grant));
        grid.AddRow(new Markup("[grey]Scope[/]"), new Text(GrantScope.Describe(settings.Records, settings.Types)));
        session.Out.Write(grid);
        if (settings.Types.Length > 0)
            session.Out.MarkupLine("[grey]Records of these types that you add later are shared only when you grant again.[/]");
        session.Out.MarkupLineInterpolated($"Withdraw it with [bold]careledger consent revoke {grant} --key {settings.Key}[/]");
        return ExitCodes.Ok;
    }

    /// <summary>Record keys can be wrapped only for someone who published a key; a grant without them would open nothing.</summary>
    private static async Task RequirePublishedKeyAsync(NodeClient node, AccountId account, string name, CancellationToken ct)
    {
        if (await node.GetStateAsync(PublishedKey.Key(account), ct) is null)
            throw new CliException($"{name} has not published a key, so no record can be shared with them: ask them to run 'careledger record publish-key', then grant");
    }
}
