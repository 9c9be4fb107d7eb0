using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>Either side opens a dispute while the price is in escrow; every deadline on the booking stops until the arbitrator decides.</summary>
public sealed class DisputeOpenCommand(CliSession session) : ServicesCommand<DisputeOpenCommand.Settings>(session)
{
    public sealed class Settings : BookingSettings
    {
        [CommandOption("--reason <TEXT>", isRequired: true)]
        [Description("At most 280 characters, no clinical detail (that belongs in the records)")]
        public string Reason { get; init; } = "";
    }

    protected override Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.dispute", key => services.DisputeAsync(key, settings.Booking, settings.Reason, ct));
}

/// <summary>The other side of a dispute gives its own statement for the arbitrator, once.</summary>
public sealed class DisputeAnswerCommand(CliSession session) : ServicesCommand<DisputeAnswerCommand.Settings>(session)
{
    public sealed class Settings : BookingSettings
    {
        [CommandOption("--statement <TEXT>", isRequired: true)]
        [Description("At most 280 characters, no clinical detail (that belongs in the records)")]
        public string Statement { get; init; } = "";
    }

    protected override Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.answer-dispute", key => services.AnswerDisputeAsync(key, settings.Booking, settings.Statement, ct));
}

/// <summary>The arbitrator settles a dispute: release to the practitioner, refund the payer, or split.</summary>
public sealed class DisputeResolveCommand(CliSession session) : ServicesCommand<DisputeResolveCommand.Settings>(session)
{
    public sealed class Settings : BookingSettings
    {
        [CommandOption("--decision <DECISION>", isRequired: true)]
        [Description("release, refund or split")]
        public string Decision { get; init; } = "";

        [CommandOption("--refund <AMOUNT>")]
        [Description("With split: how much goes back to the payer")]
        public long? Refund { get; init; }

        public override ValidationResult Validate() => (Decision == "split") == Refund.HasValue
            ? base.Validate()
            : ValidationResult.Error("--refund goes with --decision split, and only with it");
    }

    protected override Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.resolve", key => services.ResolveAsync(key, settings.Booking, settings.Decision, settings.Refund, ct));
}
