using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>A practitioner's profile, rating and slots. Needs no key.</summary>
public sealed class PractitionerShowCommand(CliSession session) : ServicesCommand<PractitionerShowCommand.Settings>(session)
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<PRACTITIONER>")]
        [Description("An account id or a key name in the keystore")]
        public string Practitioner { get; init; } = "";

        [CommandOption("--all")]
        [Description("Show past slots too")]
        public bool All { get; init; }

        [CommandOption("--json")]
        [Description("Print the profile and slots as JSON")]
        public bool Json { get; init; }
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        var details = await services.GetPractitionerAsync(settings.ResolveAccount(settings.Practitioner), ct)
            ?? throw new CliException($"{settings.Practitioner} has published no profile");
        if (settings.Json)
        {
            Session.WriteJson(details);
            return ExitCodes.Ok;
        }
        var p = details.Profile;
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        void Row(string label, string value) => grid.AddRow(new Markup($"[grey]{label}[/]"), new Text(value));
        Row("Practitioner", $"{p.Name} ({p.Org})");
        Row("Account", p.Practitioner.ToString());
        Row("Specialty", p.Specialty);
        Row("Licence", p.Licensed ? "valid" : $"not valid: {p.LicenceProblem}");
        Row("Languages", string.Join(", ", p.Languages));
        Row("Modes", string.Join(", ", p.Modes) + (p.ReferralOnly ? " (on referral only)" : ""));
        Row("Price", $"{p.Price} {p.Asset}");
        Row("Rating", ServiceTimes.Rating(p.RatingTenths, p.Ratings));
        Session.Out.Write(grid);

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var slots = details.Slots.Where(s => settings.All || s.Start > now).ToList();
        if (slots.Count == 0)
        {
            Session.Out.MarkupLine("No upcoming slots.");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).Title("Slots").AddColumn("Start (UTC)").AddColumn("End (UTC)").AddColumn("Booking");
        foreach (var s in slots)
            table.AddRow(new Text(ServiceTimes.Minute(s.Start)), new Text(ServiceTimes.Minute(s.End)), s.Free ? new Markup("[green]free[/]") : new Text(s.Booking));
        Session.Out.Write(table);
        return ExitCodes.Ok;
    }
}
