using System.ComponentModel;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consortium;

/// <summary>Approves a proposed change of the validator set for the signing admin's organisation.</summary>
public sealed class ConsortiumApproveCommand(CliSession session) : AsyncCommand<ConsortiumApproveCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<PROPOSAL>")]
        [Description("The proposal id, as propose-join or propose-leave printed it")]
        public string Proposal { get; init; } = "";

        public override ValidationResult Validate() => Hash256.TryParse(Proposal, out _)
            ? base.Validate()
            : ValidationResult.Error($"'{Proposal}' is not a proposal id (the 64 hex characters of the transaction that opened it)");
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct) =>
        ValidatorVote.SendAsync(session, settings, "approve", (consortium, key) => consortium.ApproveAsync(key, Hash256.Parse(settings.Proposal), ct));
}
