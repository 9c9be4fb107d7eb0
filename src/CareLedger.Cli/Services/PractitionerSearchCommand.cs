using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>Finds practitioners licensed now by specialty, language, mode, price, rating and free slot. Needs no key.</summary>
public sealed class PractitionerSearchCommand(CliSession session) : ServicesCommand<PractitionerSearchCommand.Settings>(session)
{
    public sealed class Settings : NodeSettings
    {
        [CommandOption("--specialty <SPECIALTY>")]
        [Description("e.g. general-practice")]
        public string? Specialty { get; init; }

        [CommandOption("--language <TAG>")]
        [Description("e.g. es")]
        public string? Language { get; init; }

        [CommandOption("--mode <MODE>")]
        [Description("video or on-site")]
        public string? Mode { get; init; }

        [CommandOption("--max-price <AMOUNT>")]
        public long? MaxPrice { get; init; }

        [CommandOption("--min-rating <STARS>")]
        [Description("From 0 to 5, e.g. 4.5")]
        public decimal? MinRating { get; init; }

        [CommandOption("--from <TIME>")]
        [Description("With --to: a free slot starting in this window (a date, ISO 8601, Unix ms, or a span from now such as 2h)")]
        public string? From { get; init; }

        [CommandOption("--to <TIME>")]
        public string? To { get; init; }

        [CommandOption("--json")]
        [Description("Print the practitioners as JSON")]
        public bool Json { get; init; }
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var criteria = new PractitionerSearch(settings.Specialty, settings.Language, settings.Mode, null, settings.MaxPrice, settings.MinRating,
            settings.From is null ? null : LedgerTime.ParseUntil(settings.From, "--from", now),
            settings.To is null ? null : LedgerTime.ParseUntil(settings.To, "--to", now));
        var found = await services.SearchAsync(criteria, ct);
        if (settings.Json)
        {
            Session.WriteJson(found);
            return ExitCodes.Ok;
        }
        if (found.Count == 0)
        {
            Session.Out.MarkupLine("No practitioner matches.");
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).Title("Practitioners")
            .AddColumn("Name").AddColumn("Specialty").AddColumn("Languages").AddColumn("Modes").AddColumn("Price").AddColumn("Rating")
            .AddColumn("Next free slot (UTC)").AddColumn("Account");
        foreach (var p in found)
            table.AddRow(new Text(p.Name), new Text(p.Specialty), new Text(string.Join(", ", p.Languages)), new Text(string.Join(", ", p.Modes)),
                new Text($"{p.Price} {p.Asset}"), new Text(ServiceTimes.Rating(p.RatingTenths, p.Ratings)),
                new Text(p.FreeSlots.Count == 0 ? "none" : ServiceTimes.Minute(p.FreeSlots[0].Start)), new Text(p.Practitioner.ToString()));
        Session.Out.Write(table);
        return ExitCodes.Ok;
    }
}
