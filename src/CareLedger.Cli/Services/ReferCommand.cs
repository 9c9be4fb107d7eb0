using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>A practitioner refers a patient to a laboratory or clinic for an on-site examination.</summary>
public sealed class ReferCommand(CliSession session) : ServicesCommand<ReferCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("An account id or a key name in the keystore")]
        public string Patient { get; init; } = "";

        [CommandOption("--to <ORG>", isRequired: true)]
        [Description("The laboratory or clinic, e.g. central-lab")]
        public string To { get; init; } = "";

        [CommandOption("--examination <CODE>", isRequired: true)]
        [Description("A code of at most 64 characters, e.g. a LOINC code")]
        public string Examination { get; init; } = "";

        [CommandOption("--until <TIME>")]
        [Description("When the referral expires: a date or a span such as 30d. Default: 30d")]
        public string Until { get; init; } = "30d";

        [CommandOption("--referral <ID>")]
        [Description("The referral id. Default: a fresh one")]
        public string? Referral { get; init; }
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        var id = settings.Referral ?? ServiceTimes.NewId("ref");
        var request = new ReferralRequest(id, settings.ResolveAccount(settings.Patient).ToString(), settings.To, settings.Examination,
            LedgerTime.ParseUntil(settings.Until, "--until", DateTimeOffset.UtcNow));
        using var key = settings.LoadKey(Session);
        ReceiptView.Render(Session.Out, await services.ReferAsync(key, request, ct), "services.refer");
        Session.Out.Write(new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn().AddRow(new Markup("[grey]Referral[/]"), new Text(id)));
        return ExitCodes.Ok;
    }
}
