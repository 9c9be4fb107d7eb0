using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Chain;

/// <summary>A block's header, transactions and validator signatures.</summary>
public sealed class BlockShowCommand(CliSession session) : AsyncCommand<BlockShowCommand.Settings>
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<BLOCK>")]
        [Description("A height, a block hash, or 'latest'")]
        public string Block { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print the block as JSON")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Block.All(char.IsAsciiLetterOrDigit) ? base.Validate() : ValidationResult.Error($"'{Block}' is neither a height, a block hash nor 'latest'");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        var block = await settings.ConnectAs(http, session).GetBlockAsync(settings.Block, ct);
        if (settings.Json)
        {
            session.WriteJson(block);
            return ExitCodes.Ok;
        }

        var header = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        header.AddRow(new Markup("[grey]Hash[/]"), new Text(block.Hash));
        header.AddRow(new Markup("[grey]Previous[/]"), new Text(block.PreviousHash));
        header.AddRow(new Markup("[grey]Time[/]"), new Text(LedgerTime.Format(block.Time)));
        header.AddRow(new Markup("[grey]Proposer[/]"), new Text(block.Proposer));
        header.AddRow(new Markup("[grey]Tx root[/]"), new Text(block.TransactionsRoot));
        header.AddRow(new Markup("[grey]State root[/]"), new Text(block.StateRoot));
        header.AddRow(new Markup("[grey]Directory root[/]"), new Text(block.DirectoryRoot));
        foreach (var s in block.Signatures) header.AddRow(new Markup("[grey]Signed by[/]"), new Text(s.Validator));
        session.Out.Write(new Panel(header).Header($"Block {block.Height}").Border(BoxBorder.Rounded));

        if (block.Transactions.Count == 0) return ExitCodes.Ok;
        var txs = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("Transaction").AddColumn("Sender")
            .AddColumn("Action").AddColumn("Result");
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var tx = block.Transactions[i];
            txs.AddRow(new Text(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Text(tx.Id), new Text(tx.Sender[..16] + "…"),
                new Text($"{tx.Contract}.{tx.Action}"),
                tx.Valid ? new Markup("[green]valid[/]") : new Markup($"[red]invalid:[/] {Markup.Escape(tx.Reason ?? "")}"));
        }
        session.Out.Write(txs);
        return ExitCodes.Ok;
    }
}
