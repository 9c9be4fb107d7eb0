using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>Publishes (or replaces) the signing practitioner's profile; the specialty comes from their licence.</summary>
public sealed class PractitionerProfileCommand(CliSession session) : ServicesCommand<PractitionerProfileCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--language <TAG>", isRequired: true)]
        [Description("A language you consult in, e.g. en (repeatable)")]
        public string[] Languages { get; init; } = [];

        [CommandOption("--mode <MODE>", isRequired: true)]
        [Description("video, on-site or async (repeatable); async needs --response-hours")]
        public string[] Modes { get; init; } = [];

        [CommandOption("--price <AMOUNT>", isRequired: true)]
        [Description("The price of one consultation, a positive whole number")]
        public long Price { get; init; }

        [CommandOption("--asset <SYMBOL>")]
        [Description("The asset you are paid in. Default: CARE")]
        public string Asset { get; init; } = "CARE";

        [CommandOption("--referral-only")]
        [Description("See patients only on a referral")]
        public bool ReferralOnly { get; init; }

        [CommandOption("--response-hours <HOURS>")]
        [Description("With --mode async: the hours within which you answer a written consultation (1-168)")]
        public long ResponseHours { get; init; }

        public override ValidationResult Validate() =>
            Price > 0 ? base.Validate() : ValidationResult.Error($"--price must be a positive whole number, not {Price}");
    }

    protected override Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.publish-profile", key => services.PublishProfileAsync(key,
            new ProfileOffer(settings.Languages, settings.Modes, settings.Price, settings.Asset, settings.ReferralOnly, settings.ResponseHours), ct));
}
