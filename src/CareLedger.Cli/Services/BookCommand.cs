using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Services;
using CareLedger.Contracts.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>
/// A patient books a practitioner's free slot, or an asynchronous consultation answered within the practitioner's response
/// window (ADR 0020); the price is locked in escrow from their balance or
/// their insurer's treasury. The symptoms statement becomes an encrypted record shared with the practitioner alone; the booking holds its hash.
/// </summary>
public sealed class BookCommand(CliSession session) : ServicesCommand<BookCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<PRACTITIONER>")]
        [Description("An account id or a key name in the keystore")]
        public string Practitioner { get; init; } = "";

        [CommandOption("--slot <TIME>")]
        [Description("The slot's start as 'practitioner show' prints it (yyyy-MM-dd HH:mm, UTC), ISO 8601 or Unix ms; none for --mode async")]
        public string Slot { get; init; } = "";

        [CommandOption("--mode <MODE>", isRequired: true)]
        [Description("video, on-site or async (written: no slot, answered within the practitioner's response window)")]
        public string Mode { get; init; } = "";

        [CommandOption("--symptoms-file <FILE>", isRequired: true)]
        [Description("Your statement of symptoms: encrypted on this machine and shared with the practitioner only")]
        public string SymptomsFile { get; init; } = "";

        [CommandOption("--insurer <ORG>")]
        [Description("Have this insurer pay, within your coverage, e.g. care-insurance")]
        public string? Insurer { get; init; }

        [CommandOption("--referral <ID>")]
        [Description("The referral this on-site booking uses")]
        public string? Referral { get; init; }

        [CommandOption("--booking <ID>")]
        [Description("The booking id (lowercase letters, digits, hyphens). Default: a fresh one")]
        public string? Booking { get; init; }
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        if (!File.Exists(settings.SymptomsFile)) throw new CliException($"--symptoms-file: no file at {settings.SymptomsFile}");
        var statement = await File.ReadAllTextAsync(settings.SymptomsFile, ct);
        var practitioner = settings.ResolveAccount(settings.Practitioner);
        var isAsync = settings.Mode == ConsultationModes.Async;
        if (isAsync != (settings.Slot.Length == 0))
            throw new CliException(isAsync ? "--slot: an async consultation takes no slot; the practitioner answers within their response window"
                : "--slot is required for a video or on-site consultation");
        var start = isAsync ? 0 : ServiceTimes.SlotStart(settings.Slot, "--slot");
        var details = await services.GetPractitionerAsync(practitioner, ct) ?? throw new CliException($"{settings.Practitioner} has published no profile");
        if (isAsync && details.Profile.ResponseHours is null) throw new CliException($"{settings.Practitioner} does not offer async consultations");
        if (!isAsync && !details.Slots.Any(s => s.Start == start))
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var free = details.Slots.Where(s => s.Free && s.Start > now).Take(5).Select(s => ServiceTimes.Minute(s.Start)).ToList();
            throw new CliException($"{settings.Practitioner} has no slot at {ServiceTimes.Minute(start)} UTC; " +
                                   (free.Count == 0 ? "they have no free slot ahead" : $"free slots: {string.Join(", ", free)}"));
        }

        var id = settings.Booking ?? ServiceTimes.NewId("bk");
        using var key = settings.LoadKey(Session);
        var held = isAsync ? DateTimeOffset.UtcNow.AddHours(details.Profile.ResponseHours ?? 0) : DateTimeOffset.FromUnixTimeMilliseconds(start);
        var shared = await new SymptomStatements(new Client.Records.RecordsClient(services.Node)).ShareAsync(key, practitioner, statement, held.AddDays(30), ct);
        var receipt = await services.BookAsync(key, new BookingRequest(id, practitioner.ToString(), start, settings.Mode, shared.ContentHash, settings.Insurer, settings.Referral), ct);
        ReceiptView.Render(Session.Out, receipt, "services.book");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Booking[/]"), new Text(id));
        grid.AddRow(new Markup("[grey]Slot[/]"), new Text(isAsync ? $"none: answered within {details.Profile.ResponseHours} hours, async" : $"{ServiceTimes.Minute(start)} UTC, {settings.Mode}"));
        grid.AddRow(new Markup("[grey]Paid by[/]"), new Text(settings.Insurer is null ? "you, held in escrow" : $"{settings.Insurer}, held in escrow"));
        grid.AddRow(new Markup("[grey]Symptoms[/]"), new Text($"encrypted record {shared.Record}, shared with {settings.Practitioner} only (grant {shared.Grant})"));
        Session.Out.Write(grid);
        return ExitCodes.Ok;
    }
}
