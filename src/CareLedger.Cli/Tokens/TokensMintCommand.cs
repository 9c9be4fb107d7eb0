using CareLedger.Cli.Transactions;
using CareLedger.Client.Tokens;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Tokens;

/// <summary>Creates new units of an asset for an account; signed by an admin of the asset's issuer.</summary>
public sealed class TokensMintCommand(CliSession session) : AsyncCommand<TokenSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, TokenSettings settings, CancellationToken ct) =>
        Submission.SendAsync(session, settings, "tokens.mint",
            (node, key) => new TokensClient(node).MintAsync(key, settings.Asset, settings.ResolveAccount(settings.To), settings.Amount, ct));
}
