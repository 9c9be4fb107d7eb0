using System.ComponentModel;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consortium;

/// <summary>Proposes that a validator stop signing blocks; the signing admin's organisation approves it at once.</summary>
public sealed class ConsortiumProposeLeaveCommand(CliSession session) : AsyncCommand<ConsortiumProposeLeaveCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<VALIDATOR>")]
        [Description("The validator's account id, as consortium validators lists it")]
        public string Validator { get; init; } = "";
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct) =>
        ValidatorVote.SendAsync(session, settings, "propose-removal",
            (consortium, key) => consortium.ProposeLeaveAsync(key, settings.ResolveAccount(settings.Validator), ct));
}
