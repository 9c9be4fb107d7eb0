using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Chain;

/// <summary>One entry of the world state, as JSON.</summary>
public sealed class StateGetCommand(CliSession session) : AsyncCommand<StateGetCommand.Settings>
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<KEY>")]
        [Description("The state key, e.g. tokens/asset/CARE")]
        public string Key { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        var entry = await settings.ConnectAs(http, session).GetStateAsync(settings.Key, ct);
        session.WriteJson(entry.Value);
        return ExitCodes.Ok;
    }
}
