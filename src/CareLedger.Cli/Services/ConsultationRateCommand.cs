using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>The patient rates a completed consultation, once.</summary>
public sealed class ConsultationRateCommand(CliSession session) : ServicesCommand<ConsultationRateCommand.Settings>(session)
{
    public sealed class Settings : BookingSettings
    {
        [CommandOption("--score <STARS>", isRequired: true)]
        [Description("A whole number from 1 to 5")]
        public long Score { get; init; }

        public override ValidationResult Validate() =>
            Score is >= 1 and <= 5 ? base.Validate() : ValidationResult.Error($"--score is a whole number from 1 to 5, not {Score}");
    }

    protected override Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.rate", key => services.RateAsync(key, settings.Booking, settings.Score, ct));
}
