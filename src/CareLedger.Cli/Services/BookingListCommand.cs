using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>A patient's or a practitioner's bookings, soonest slot first, read as them (their key, or --as).</summary>
public sealed class BookingListCommand(CliSession session) : ServicesCommand<BookingListCommand.Settings>(session)
{
    public sealed class Settings : AccountSettings
    {
        [CommandOption("--patient <ACCOUNT>")]
        [Description("A patient's bookings: an account id or a key name in the keystore")]
        public string? Patient { get; init; }

        [CommandOption("--practitioner <ACCOUNT>")]
        [Description("Or a practitioner's")]
        public string? Practitioner { get; init; }

        [CommandOption("--status <STATUS>")]
        [Description("Only bookings in this status, e.g. requested")]
        public string? Status { get; init; }

        [CommandOption("--json")]
        [Description("Print the bookings as JSON")]
        public bool Json { get; init; }

        public override string? ReadsAbout => Patient ?? Practitioner;

        public override ValidationResult Validate() => (Patient is null) == (Practitioner is null)
            ? ValidationResult.Error("give --patient or --practitioner to say whose bookings")
            : base.Validate();
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        var bookings = settings.Patient is { } patient
            ? await services.ListBookingsAsync(patient: settings.ResolveAccount(patient), ct: ct)
            : await services.ListBookingsAsync(practitioner: settings.ResolveAccount(settings.Practitioner!), ct: ct);
        bookings = bookings.Where(b => settings.Status is null || b.Status == settings.Status).ToList();
        if (settings.Json)
        {
            Session.WriteJson(bookings);
            return ExitCodes.Ok;
        }
        var who = settings.Patient ?? settings.Practitioner!;
        if (bookings.Count == 0)
        {
            Session.Out.MarkupLineInterpolated($"{who} has no bookings{(settings.Status is null ? "" : $" that are {settings.Status}")}.");
            return ExitCodes.Ok;
        }
        var names = settings.Names();
        var other = settings.Patient is null ? "Patient" : "Practitioner";
        var table = new Table().Border(TableBorder.Rounded).Title($"Bookings of {Markup.Escape(who)}")
            .AddColumn("Booking").AddColumn("Slot (UTC)").AddColumn("Mode").AddColumn(other).AddColumn("Price").AddColumn("Status").AddColumn("Deadline (UTC)");
        foreach (var b in bookings)
            table.AddRow(new Text(b.Id), new Text(ServiceTimes.Minute(b.Start)), new Text(b.Mode), new Text(names.Of(other == "Patient" ? b.Patient : b.Practitioner)),
                new Text($"{b.Price} {b.Asset}"), new Text(b.Status), new Text(b.Due > 0 ? ServiceTimes.Minute(b.Due) : ""));
        Session.Out.Write(table);
        return ExitCodes.Ok;
    }
}
