using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Tokens;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Tokens;

/// <summary>Moves units of an asset from the signer's balance; never overdraws.</summary>
public sealed class TokensTransferCommand(CliSession session) : AsyncCommand<TokensTransferCommand.Settings>
{
    public sealed class Settings : TokenSettings
    {
        [CommandOption("--memo <TEXT>")]
        [Description("A note stored with the transfer")]
        public string? Memo { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct) =>
        Submission.SendAsync(session, settings, "tokens.transfer",
            (node, key) => new TokensClient(node).TransferAsync(key, settings.Asset, settings.ResolveAccount(settings.To), settings.Amount, settings.Memo, ct));
}
