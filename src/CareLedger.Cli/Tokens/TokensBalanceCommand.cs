using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Client.Tokens;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Tokens;

/// <summary>An account's balance of an asset. Needs no passphrase.</summary>
public sealed class TokensBalanceCommand(CliSession session) : AsyncCommand<TokensBalanceCommand.Settings>
{
    public sealed class Settings : AccountSettings
    {
        [CommandOption("--asset <SYMBOL>", isRequired: true)]
        [Description("The asset, e.g. CARE")]
        public string Asset { get; init; } = "";

        [CommandOption("--account <ACCOUNT>")]
        [Description("Whose balance: an account id or a key name in the keystore")]
        public string? Account { get; init; }

        [CommandOption("--key <NAME>")]
        [Description("Whose balance, as a key name in the keystore")]
        public string? Key { get; init; }

        [CommandOption("--json")]
        [Description("Print the contract's answer as JSON")]
        public bool Json { get; init; }

        public override string? ReadsAbout => Key ?? Account;

        public override ValidationResult Validate() => (Account is null) == (Key is null)
            ? ValidationResult.Error("give --account or --key to say whose balance")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var who = (settings.Account ?? settings.Key)!;
        var account = settings.ResolveAccount(who);
        using var http = settings.Connect();
        var balance = await new TokensClient(settings.ConnectAs(http, session)).BalanceAsync(settings.Asset, account, ct);
        if (settings.Json)
        {
            session.WriteJson(balance);
            return ExitCodes.Ok;
        }
        session.Out.MarkupLineInterpolated($"{who} holds [bold]{balance.Balance} {balance.Asset}[/]");
        if (who != account.ToString()) session.Out.MarkupLineInterpolated($"[grey]account {account}[/]");
        return ExitCodes.Ok;
    }
}
