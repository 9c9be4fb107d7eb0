using System.Text.Json.Nodes;
using CareLedger.Ledger.Wire;
using Spectre.Console;

namespace CareLedger.Cli.Transactions;

/// <summary>Shows a receipt: whether the transaction took effect, where it landed, and what it emitted.</summary>
public static class ReceiptView
{
    public static void Render(IAnsiConsole console, ReceiptDto receipt, string? what = null)
    {
        var subject = what ?? "transaction";
        console.MarkupLine(receipt switch
        {
            { Status: not "committed" } => $"[yellow]… {Markup.Escape(subject)} is {Markup.Escape(receipt.Status)}[/]",
            { Valid: true } => $"[green]✓ {Markup.Escape(subject)} committed in block {receipt.Height}[/]",
            // The node tells whether it took effect only to those it concerns (ADR 0011): not knowing is not invalid.
            { Valid: null } => $"[yellow]… {Markup.Escape(subject)} committed in block {receipt.Height}; whether it took effect is told to its sender " +
                               "and those it concerns: read with --as <KEY>[/]",
            _ => $"[red]✗ {Markup.Escape(subject)} committed in block {receipt.Height} as invalid: {Markup.Escape(receipt.Reason ?? "")}[/]",
        });

        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Transaction[/]"), new Text(receipt.TxId));
        if (receipt.Height is { } height)
        {
            grid.AddRow(new Markup("[grey]Block[/]"), new Text($"{height}  {receipt.BlockHash}"));
            if (receipt.BlockTime is { } time) grid.AddRow(new Markup("[grey]Time[/]"), new Text(LedgerTime.Format(time)));
        }
        foreach (var e in receipt.Events ?? [])
            grid.AddRow(new Markup("[grey]Event[/]"), new Markup($"[bold]{Markup.Escape(e.Contract)}.{Markup.Escape(e.Name)}[/]  {Markup.Escape(Attributes(e.Attributes))}"));
        console.Write(grid);
    }

    public static string Attributes(JsonObject attributes) =>
        string.Join("  ", attributes.Select(a => $"{a.Key}={(a.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : a.Value?.ToJsonString())}"));
}
