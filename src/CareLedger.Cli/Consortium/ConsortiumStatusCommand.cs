using System.ComponentModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Client.Consortium;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Consortium;

/// <summary>The consortium as one node sees it: leader, heights, members and their lag. Exits 3 when that node has halted.</summary>
public sealed class ConsortiumStatusCommand(CliSession session) : AsyncCommand<ConsortiumStatusCommand.Settings>
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public sealed class Settings : AccountSettings
    {
        [CommandOption("--json")]
        [Description("Print the node's answer as JSON, unchanged")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        // The status is for members and the consortium's nodes: read as --as (a member's key or the node's).
        using var response = await settings.ConnectAs(http, session).GetResponseAsync("v1/consortium/status", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw Refusal(response, body, settings.NodeAddress);
        var status = JsonSerializer.Deserialize<ConsortiumStatusDto>(body, Web) ?? throw new JsonException("empty answer");

        if (settings.Json) session.WriteRaw(body);
        else Render(status);
        return status.IsHalted ? ExitCodes.Halted : ExitCodes.Ok;
    }

    private void Render(ConsortiumStatusDto status)
    {
        var self = status.Members.FirstOrDefault(m => m.Validator == status.Self)?.Organisation ?? Short(status.Self);
        var leader = status.Leader?.Url ?? (status.Mode == "solo" ? "this node" : "none");
        // One line that never wraps, so that a log or grep sees all of it.
        session.Out.Write(new OneLine($"Chain {status.ChainId} ({status.Mode}) · this node ({self}): {status.Role} · leader: {leader} · " +
            $"height {status.Height} / log {status.LogHeight} / final {status.FinalHeight} · quorum {status.Quorum} of {status.Members.Count}", Style.Plain));

        // Borderless columns, as kubectl prints them: a three-node consortium fits in 80 columns and each member is one greppable line.
        var table = new Table().Border(TableBorder.None)
            .AddColumns(Column("ORGANISATION"), Column("VALIDATOR"), Column("ROLE"), Column("URL"), Column("HEIGHT").RightAligned(), Column("LAG").RightAligned(), Column("ONLINE").PadRight(0));
        foreach (var m in status.Members)
            table.AddRow(new Text(m.Organisation ?? "?"), new Text(Short(m.Validator)), new Markup(RoleMarkup(m.Role)), new Text(m.Url ?? "-"),
                new Text(Number(m.Height)), new Text(Number(m.Lag)), m.Online ? new Markup("[green]yes[/]") : new Markup("[grey]no[/]"));
        session.Out.Write(table);

        var red = new Style(Color.Red);
        if (status.IsHalted)
            session.Out.Write(new OneLine($"✗ This node has halted: {Reason(status.Halted)}. Restart it with --resync to rebuild its ledger from the consortium.", red));
        if (status.Waiting is not null)
            session.Out.Write(new OneLine($"! This node applies no blocks now: {Reason(status.Waiting)}. Check its clock (NTP)" +
                (status.ClockSkewMs is { } skew ? $": it is {skew} ms off the other nodes'." : "."), new Style(Color.Yellow)));
        foreach (var m in status.Members.Where(m => m.Halted is not null && m.Validator != status.Self))
            session.Out.Write(new OneLine($"✗ {m.Organisation ?? Short(m.Validator)} has halted: {Reason(m.Halted)}.", red));
    }

    private static string RoleMarkup(string role) => role switch
    {
        "leader" => "[green]leader[/]",
        "halted" => "[red]halted[/]",
        "offline" => "[grey]offline[/]",
        _ => Markup.Escape(role),
    };

    private static string Reason(string? halted) => Failures.OneLine(halted ?? "no reason given").TrimEnd('.');

    private static TableColumn Column(string header) => new TableColumn(header).PadLeft(0).PadRight(2);

    private static string Short(string validator) => validator.Length > 8 ? validator[..8] : validator;

    private static string Number(ulong? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static Exception Refusal(HttpResponseMessage response, string body, Uri node)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
            return new CliException($"{node} has no consortium status (404): it runs an older CareLedger node, or --node points elsewhere");
        string? title = null, detail = null;
        try
        {
            var problem = JsonNode.Parse(body) as JsonObject;
            title = problem?["title"]?.GetValue<string>();
            detail = problem?["detail"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { }
        return new NodeApiException(response.StatusCode, title ?? response.ReasonPhrase ?? response.StatusCode.ToString(), detail);
    }
}
