using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using Spectre.Console;

namespace CareLedger.Cli.Transactions;

/// <summary>Signs and submits one transaction, then reports it: the receipt, or one red line if it was refused.</summary>
public static class Submission
{
    public static async Task<int> SendAsync(CliSession session, SignerSettings settings, string contract, string action, CborMap args,
        CancellationToken ct, bool wait = true)
    {
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        return await SendAsync(session, new NodeClient(http), key, contract, action, args, ct, wait);
    }

    /// <summary>Sends with a key the caller already unlocked, for commands that ask the node something first.</summary>
    public static async Task<int> SendAsync(CliSession session, NodeClient node, SigningKey key, string contract, string action, CborMap args,
        CancellationToken ct, bool wait = true)
    {
        SubmitResponse response;
        if (wait)
        {
            response = await node.SendAsync(key, contract, action, args, ct);
        }
        else
        {
            var chain = await node.GetChainAsync(ct);
            var account = await node.GetAccountAsync(key.Account, ct);
            var tx = Transaction.Create(key, chain.ChainId, account.LastNonce + 1, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds(), contract, action, args);
            response = await node.SubmitAsync(tx, wait: false, ct);
        }

        var what = $"{contract}.{action}";
        if (response.Receipt is not { } receipt)
        {
            session.Out.MarkupLineInterpolated($"[yellow]… {what} accepted; not yet in a block[/]");
            session.Out.MarkupLineInterpolated($"[grey]Transaction[/]  {response.Id}");
            session.Out.MarkupLine("Follow it with [bold]careledger tx status <transaction>[/]");
            return ExitCodes.Ok;
        }
        if (receipt.Valid != true)
            throw new CliException($"{what} refused: {receipt.Reason} (transaction {receipt.TxId}, block {receipt.Height})");
        ReceiptView.Render(session.Out, receipt, what);
        return ExitCodes.Ok;
    }
}
