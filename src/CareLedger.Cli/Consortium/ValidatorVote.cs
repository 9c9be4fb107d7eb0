using System.Text.Json.Nodes;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Api;
using CareLedger.Client.Consortium;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Wire;
using Spectre.Console;

namespace CareLedger.Cli.Consortium;

/// <summary>
/// Sends one vote on the validator set (a proposal counts as its organisation's approval), prints the
/// receipt, then where the proposal stands: approvals against the majority needed, and whether it applied.
/// </summary>
internal static class ValidatorVote
{
    public static async Task<int> SendAsync(CliSession session, SignerSettings settings, string action, Func<ConsortiumClient, SigningKey, Task<ReceiptDto>> send)
    {
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var what = $"{ConsortiumClient.Contract}.{action}";
        ReceiptDto receipt;
        try { receipt = await send(new ConsortiumClient(new NodeClient(http)), key); }
        catch (ContractActionException e) when (e.Pending)
        {
            throw new CliException($"{what} accepted but not yet in a block; follow it with careledger tx status {e.TxId}");
        }

        ReceiptView.Render(session.Out, receipt, what);
        var events = receipt.Events ?? [];
        var approved = Event(events, "ValidatorChangeApproved") ?? throw new CliException($"{what} committed without a ValidatorChangeApproved event; is --node a CareLedger node?");
        var proposal = approved["proposal"]!.ToString();
        var (approvals, needed) = (approved["approvals"]!.GetValue<long>(), approved["needed"]!.GetValue<long>());

        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Proposal[/]"), new Text(proposal));
        grid.AddRow(new Markup("[grey]Approvals[/]"), new Text($"{approvals}/{needed}"));
        session.Out.Write(grid);

        if (Event(events, "ValidatorAdded") is { } added) session.Success($"applied: {added["validator"]} joined ({added["org"]})");
        else if (Event(events, "ValidatorRemoved") is { } removed) session.Success($"applied: {removed["validator"]} left");
        else session.Out.Write(new OneLine($"Waiting for {needed - approvals} more: admins of other validating organisations run careledger consortium approve {proposal} --key <admin key>", Style.Plain));
        return ExitCodes.Ok;
    }

    private static JsonObject? Event(IReadOnlyList<EventDto> events, string name) =>
        events.FirstOrDefault(e => e.Contract == "membership" && e.Name == name)?.Attributes;
}
