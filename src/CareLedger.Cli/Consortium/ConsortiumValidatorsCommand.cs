using CareLedger.Client.Api;
using CareLedger.Client.Consortium;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consortium;

/// <summary>The validator set on the ledger: each validator's account and organisation, and the approvals a change needs.</summary>
public sealed class ConsortiumValidatorsCommand(CliSession session) : AsyncCommand<NodeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NodeSettings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        var validators = (await new ConsortiumClient(new NodeClient(http)).ValidatorsAsync(ct))
            .OrderBy(v => v.Organisation, StringComparer.Ordinal).ThenBy(v => v.Account).ToList();

        var table = new Table().Border(TableBorder.None).AddColumns(Column("ACCOUNT"), Column("ORGANISATION").PadRight(0));
        foreach (var v in validators) table.AddRow(new Text(v.Account.ToString()), new Text(v.Organisation));
        session.Out.Write(table);
        return ExitCodes.Ok;
    }

    private static TableColumn Column(string header) => new TableColumn(header).PadLeft(0).PadRight(2);
}
