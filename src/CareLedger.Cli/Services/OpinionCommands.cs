using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>A patient puts records before several practitioners for second opinions, locking one fee per practitioner.</summary>
public sealed class OpinionRequestCommand(CliSession session) : ServicesCommand<OpinionRequestCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--record <ID>", isRequired: true)]
        [Description("A record of the case; each practitioner must already be able to read it (repeatable)")]
        public string[] Records { get; init; } = [];

        [CommandOption("--practitioner <ACCOUNT>", isRequired: true)]
        [Description("A practitioner to ask: an account id or a key name (repeatable)")]
        public string[] Practitioners { get; init; } = [];

        [CommandOption("--fee <AMOUNT>", isRequired: true)]
        [Description("Paid to each practitioner for their opinion")]
        public long Fee { get; init; }

        [CommandOption("--asset <SYMBOL>")]
        [Description("Default: CARE")]
        public string Asset { get; init; } = "CARE";

        [CommandOption("--deadline <TIME>")]
        [Description("After it, fees for opinions not given come back: a date or a span such as 7d. Default: 7d")]
        public string Deadline { get; init; } = "7d";

        [CommandOption("--case <ID>")]
        [Description("The case id. Default: a fresh one")]
        public string? Case { get; init; }
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        var id = settings.Case ?? ServiceTimes.NewId("case");
        var request = new OpinionRequest(id, settings.Records, settings.Practitioners.Select(p => settings.ResolveAccount(p).ToString()).ToList(),
            settings.Fee, settings.Asset, LedgerTime.ParseUntil(settings.Deadline, "--deadline", DateTimeOffset.UtcNow));
        using var key = settings.LoadKey(Session);
        ReceiptView.Render(Session.Out, await services.RequestOpinionsAsync(key, request, ct), "services.request-opinions");
        Session.Out.Write(new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn().AddRow(new Markup("[grey]Case[/]"), new Text(id)));
        return ExitCodes.Ok;
    }
}

/// <summary>A practitioner gives their opinion on a case and is paid its fee; the opinion stays with them, the ledger holds its SHA-256.</summary>
public sealed class OpinionSubmitCommand(CliSession session) : ServicesCommand<OpinionSubmitCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<CASE>")]
        [Description("The case id")]
        public string Case { get; init; } = "";

        [CommandOption("--opinion-file <FILE>", isRequired: true)]
        [Description("Your written opinion: encrypted for the patient as a DocumentReference record; the case holds its hash")]
        public string OpinionFile { get; init; } = "";
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        if (!File.Exists(settings.OpinionFile)) throw new CliException($"--opinion-file: no file at {settings.OpinionFile}");
        var opinion = await File.ReadAllTextAsync(settings.OpinionFile, ct);
        var opinions = new WrittenOpinions(new Client.Records.RecordsClient(services.Node), services);
        return await SignAsync(settings, "services.submit-opinion", async key => (await opinions.SubmitAsync(key, settings.Case, opinion, ct)).Receipt);
    }
}
