using Spectre.Console.Cli;

namespace CareLedger.Cli.Tokens;

/// <summary>The token commands: tokens mint, transfer and balance.</summary>
public static class TokensCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("tokens", tokens =>
        {
            tokens.SetDescription("Mint, transfer and look up balances");
            tokens.AddCommand<TokensMintCommand>("mint").WithDescription("Mint units of an asset (admins of its issuer)");
            tokens.AddCommand<TokensTransferCommand>("transfer").WithDescription("Transfer units from the signer's balance")
                .WithExample("tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", "25", "--key", "patient-jones");
            tokens.AddCommand<TokensBalanceCommand>("balance").WithDescription("Show an account's balance");
        });
    }
}
