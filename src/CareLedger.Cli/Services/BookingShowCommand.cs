using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>One booking: parties, slot, status, deadline and how its escrow was settled. Read as one of its parties (--as).</summary>
public sealed class BookingShowCommand(CliSession session) : ServicesCommand<BookingShowCommand.Settings>(session)
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<BOOKING>")]
        [Description("The booking id")]
        public string Booking { get; init; } = "";

        [CommandOption("--symptoms-key <NAME>")]
        [Description("Also read the patient's symptom statement, as this key (the practitioner, or the patient); without --as, the booking is read as this key too")]
        public string? SymptomsKey { get; init; }

        [CommandOption("--json")]
        [Description("Print the booking as JSON")]
        public bool Json { get; init; }

        // Whoever reads the symptoms is a party to the booking: without --as, the booking is read as them too.
        public override string? ReadsAbout => SymptomsKey;
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        var b = await services.GetBookingAsync(settings.Booking, ct) ?? throw new CliException(
            $"no booking {settings.Booking} that {Session.ReadingAs ?? "an unsigned reader"} may see; read with --as <KEY> as its patient, practitioner or insurer");
        if (settings.Json)
        {
            Session.WriteJson(b);
            return ExitCodes.Ok;
        }
        var names = settings.Names();
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        void Row(string label, string value) => grid.AddRow(new Markup($"[grey]{label}[/]"), new Text(value));
        Row("Booking", b.Id);
        Row("Status", b.Reason.Length > 0 ? $"{b.Status}: {b.Reason}" : b.Status);
        Row("Patient", names.Of(b.Patient));
        Row("Practitioner", $"{names.Of(b.Practitioner)} ({b.Org})");
        Row("Slot", $"{ServiceTimes.Minute(b.Start)} to {ServiceTimes.Minute(b.End)} UTC, {b.Mode}");
        Row("Price", $"{b.Price} {b.Asset}, paid by {(b.Insurer.Length > 0 ? b.Insurer : "the patient")}");
        if (b.Referral.Length > 0) Row("Referral", b.Referral);
        if (b.Due > 0) Row("Deadline", LedgerTime.Format(b.Due));
        if (b.Started > 0) Row("Consultation", $"started {LedgerTime.Format(b.Started)}" + (b.Ended > 0 ? $", ended {LedgerTime.Format(b.Ended)}" : ""));
        if (b.Summary.Length > 0) Row("Summary record", b.Summary);
        if (b.Closed > 0) Row("Settled", $"{b.Paid} {b.Asset} to the practitioner, {b.Fee} fee, {b.Refunded} refunded ({LedgerTime.Format(b.Closed)})");
        if (b.Dispute is { } d) Row("Dispute", $"by {names.Of(d.By)}: {d.Reason}" + (d.Decision is null ? "" : $"; decided: {d.Decision}"));
        if (b.Rating > 0) Row("Rating", $"{b.Rating} ★");
        if (settings.SymptomsKey is { } keyName)
        {
            // The key the booking was read with, when it is this one: its passphrase is asked once.
            using var loaded = services.Node.Reader is not null && Session.ReadingAs == keyName ? null : settings.OpenKeyStore().Load(keyName, Session.PassphraseFor(keyName));
            var key = loaded ?? services.Node.Reader!;
            var statement = await new SymptomStatements(new Client.Records.RecordsClient(services.Node)).ReadAsync(key, b, ct);
            Row("Symptoms", statement ?? "not shared with this key");
        }
        Session.Out.Write(grid);
        return ExitCodes.Ok;
    }
}
