using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Ledger.Encoding;
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

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var args = new CborMap { ["asset"] = settings.Asset, ["to"] = settings.ResolveAccount(settings.To).ToString(), ["amount"] = settings.Amount };
        if (!string.IsNullOrEmpty(settings.Memo)) args["memo"] = settings.Memo;
        return Submission.SendAsync(session, settings, "tokens", "transfer", args, ct);
    }
}
