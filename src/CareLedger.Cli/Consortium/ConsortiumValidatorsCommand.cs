using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Encoding;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consortium;

/// <summary>The validator set on the ledger: each validator's account and organisation, and the approvals a change needs.</summary>
public sealed class ConsortiumValidatorsCommand(CliSession session) : AsyncCommand<NodeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NodeSettings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        var answer = await new NodeClient(http).QueryAsync("membership", "validators", new CborMap(), ct);
        var validators = (answer["validators"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(v => (Account: v["account"]!.ToString(), Organisation: v["org"]!.ToString()))
            .OrderBy(v => v.Organisation, StringComparer.Ordinal).ThenBy(v => v.Account, StringComparer.Ordinal).ToList();

        var table = new Table().Border(TableBorder.None).AddColumns(Column("ACCOUNT"), Column("ORGANISATION").PadRight(0));
        foreach (var (account, organisation) in validators) table.AddRow(new Text(account), new Text(organisation));
        session.Out.Write(table);
        return ExitCodes.Ok;
    }

    private static TableColumn Column(string header) => new TableColumn(header).PadLeft(0).PadRight(2);
}
