using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>The practitioner declines a booking before the consultation; the price goes back to whoever paid.</summary>
public sealed class BookingDeclineCommand(CliSession session) : ServicesCommand<BookingDeclineCommand.Settings>(session)
{
    public sealed class Settings : BookingSettings
    {
        [CommandOption("--reason <TEXT>")]
        [Description("Why, for the patient")]
        public string? Reason { get; init; }
    }

    protected override Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.decline", key => services.DeclineAsync(key, settings.Booking, settings.Reason, ct));
}
