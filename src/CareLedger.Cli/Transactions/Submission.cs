using CareLedger.Client.Api;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Wire;
using Spectre.Console;

namespace CareLedger.Cli.Transactions;

/// <summary>
/// Signs and submits one transaction, then reports it: the receipt, or where to follow it while it is
/// not in a block yet. A refusal by the contract is the one red line the user reads.
/// </summary>
public static class Submission
{
    /// <summary>Unlocks the signer's key and sends an action through a typed client, as <paramref name="what"/> (contract.action).</summary>
    public static async Task<int> SendAsync(CliSession session, SignerSettings settings, string what, Func<NodeClient, SigningKey, Task<ReceiptDto>> send)
    {
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        // Reads on the way (nonces, what the action needs to know) are the signer's own.
        var node = new NodeClient(http).As(key);
        return await SendAsync(session, what, () => send(node, key));
    }

    /// <summary>Sends with a key and a client the caller already has, for commands that ask the node something first.</summary>
    public static async Task<int> SendAsync(CliSession session, string what, Func<Task<ReceiptDto>> send)
    {
        try
        {
            ReceiptView.Render(session.Out, await send(), what);
        }
        catch (ContractActionException e) when (e.Pending)
        {
            ShowPending(session, what, e.TxId);
        }
        return ExitCodes.Ok;
    }

    /// <summary>Any action with the arguments as given (tx send), waiting for its block or, without <paramref name="wait"/>, only for the node to accept it.</summary>
    public static async Task<int> SendRawAsync(CliSession session, SignerSettings settings, string contract, string action, CborMap args, bool wait,
        CancellationToken ct)
    {
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var node = new NodeClient(http).As(key);
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
            ShowPending(session, what, response.Id);
            return ExitCodes.Ok;
        }
        if (receipt.Valid != true)
            throw new CliException($"{what} refused: {receipt.Reason} (transaction {receipt.TxId}, block {receipt.Height})");
        ReceiptView.Render(session.Out, receipt, what);
        return ExitCodes.Ok;
    }

    private static void ShowPending(CliSession session, string what, string txId)
    {
        session.Out.MarkupLineInterpolated($"[yellow]… {what} accepted; not yet in a block[/]");
        session.Out.MarkupLineInterpolated($"[grey]Transaction[/]  {txId}");
        session.Out.MarkupLine("Follow it with [bold]careledger tx status <transaction>[/]");
    }
}
