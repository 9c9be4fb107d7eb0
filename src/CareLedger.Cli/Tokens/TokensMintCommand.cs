using CareLedger.Cli.Transactions;
using CareLedger.Ledger.Encoding;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Tokens;

/// <summary>Creates new units of an asset for an account; signed by an admin of the asset's issuer.</summary>
public sealed class TokensMintCommand(CliSession session) : AsyncCommand<TokenSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, TokenSettings settings, CancellationToken ct) =>
        Submission.SendAsync(session, settings, "tokens", "mint", new CborMap
        {
            ["asset"] = settings.Asset, ["to"] = settings.ResolveAccount(settings.To).ToString(), ["amount"] = settings.Amount,
        }, ct);
}
