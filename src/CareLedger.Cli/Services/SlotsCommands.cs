using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>Options of the commands that name slots by their start.</summary>
public class SlotSettings : SignerSettings
{
    [CommandOption("--at <TIME>", isRequired: true)]
    [Description("A slot's start: yyyy-MM-dd HH:mm (UTC), ISO 8601, Unix ms, or a span from now such as 90m or 2d; rounded up to the minute (repeatable)")]
    public string[] At { get; init; } = [];

    public IReadOnlyList<long> Starts() => At.Select(a => ServiceTimes.SlotStart(a, "--at")).ToList();
}

/// <summary>Offers new slots in the signing practitioner's calendar.</summary>
public sealed class SlotsAddCommand(CliSession session) : ServicesCommand<SlotsAddCommand.Settings>(session)
{
    public sealed class Settings : SlotSettings
    {
        [CommandOption("--minutes <MINUTES>")]
        [Description("How long each slot lasts. Default: 30")]
        public long Minutes { get; init; } = 30;
    }

    protected override Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.add-slots", key => services.AddSlotsAsync(key, settings.Starts(), settings.Minutes, ct));
}

/// <summary>Withdraws free slots from the signing practitioner's calendar.</summary>
public sealed class SlotsRemoveCommand(CliSession session) : ServicesCommand<SlotSettings>(session)
{
    protected override Task<int> RunAsync(CommandContext context, SlotSettings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.remove-slots", key => services.RemoveSlotsAsync(key, settings.Starts(), ct));
}
