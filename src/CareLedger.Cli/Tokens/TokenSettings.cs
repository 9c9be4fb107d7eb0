using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Tokens;

/// <summary>Options of the commands that move an amount of an asset to an account.</summary>
public class TokenSettings : SignerSettings
{
    [CommandOption("--asset <SYMBOL>", isRequired: true)]
    [Description("The asset, e.g. CARE")]
    public string Asset { get; init; } = "";

    [CommandOption("--to <ACCOUNT>", isRequired: true)]
    [Description("The recipient: an account id or a key name in the keystore")]
    public string To { get; init; } = "";

    [CommandOption("--amount <AMOUNT>", isRequired: true)]
    [Description("A positive whole number of units")]
    public long Amount { get; init; }

    public override ValidationResult Validate() =>
        Amount > 0 ? base.Validate() : ValidationResult.Error($"--amount must be a positive whole number, not {Amount}");
}
