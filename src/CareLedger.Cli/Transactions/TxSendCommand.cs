using System.ComponentModel;
using CareLedger.Ledger.Encoding;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Transactions;

/// <summary>Any contract action, with JSON arguments: the general form of every signing command.</summary>
public sealed class TxSendCommand(CliSession session) : AsyncCommand<TxSendCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--contract <NAME>", isRequired: true)]
        [Description("The contract, e.g. tokens")]
        public string Contract { get; init; } = "";

        [CommandOption("--action <NAME>", isRequired: true)]
        [Description("The action, e.g. transfer")]
        public string Action { get; init; } = "";

        [CommandOption("--args <JSON>")]
        [Description("The arguments as a JSON object. Default: {}")]
        public string Args { get; init; } = "{}";

        [CommandOption("--no-wait")]
        [Description("Return once the node accepts it, without waiting for its block")]
        public bool NoWait { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        CborMap args;
        try { args = CborMapJson.Parse(settings.Args); }
        catch (CborMapException e) { throw new CliException($"--args: {e.Message}"); }
        catch (FormatException e) { throw new CliException($"--args: {e.Message}"); }
        return Submission.SendRawAsync(session, settings, settings.Contract, settings.Action, args, wait: !settings.NoWait, ct);
    }
}
