using System.ComponentModel;
using CareLedger.Client.Prescriptions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>One prescription as the ledger holds it: terms, fills, presentation, alerts and dispenses. Read as its patient, prescriber or pharmacist (--as).</summary>
public sealed class RxShowCommand(CliSession session) : PrescriptionsCommand<RxShowCommand.Settings>(session)
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<PRESCRIPTION>")]
        [Description("The prescription id")]
        public string Prescription { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print the prescription as JSON")]
        public bool Json { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct)
    {
        var detail = await prescriptions.GetAsync(settings.Prescription, ct) ?? throw new CliException(
            $"no prescription {settings.Prescription} that {Session.ReadingAs ?? "an unsigned reader"} may see; read with --as <KEY> as its patient, prescriber or the pharmacy it is presented to");
        if (settings.Json)
        {
            Session.WriteJson(detail);
            return ExitCodes.Ok;
        }
        var (rx, log, scheduled) = detail;
        var names = settings.Names();
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        void Row(string label, string value) => grid.AddRow(new Markup($"[grey]{label}[/]"), new Text(value));
        Row("Prescription", rx.Id);
        Row("Status", rx.Reason.Length > 0 ? $"{rx.Status}: {rx.Reason}" : rx.Status);
        Row("Patient", names.Of(rx.Patient));
        Row("Prescriber", names.Of(rx.Prescriber) + (rx.RenewedFrom.Length > 0 ? $" (renewed from {names.Of(rx.RenewedFrom)})" : ""));
        Row("Medication", $"sealed on the ledger ({rx.Medication[..19]}…); the drug is in record {rx.Record}, which its readers open with 'record get'");
        Row("Fills", $"{rx.FillsLeft} of {rx.Fills} left, {rx.Remaining} of {rx.Quantity} doses left in fill {Math.Min(rx.CurrentFill, rx.Fills)}");
        Row("Schedule", $"{rx.DosesPerDay} a day; {rx.Taken} taken of {scheduled} scheduled");
        Row("Issued", LedgerTime.Format(rx.Issued));
        Row("Valid until", LedgerTime.Format(rx.Expiry));
        Row("Record", $"{rx.Record} v{rx.RecordVersion}, content hash {rx.ContentHash}");
        Row("Presented", rx.Pharmacy.Length == 0 ? "no" : $"to {rx.Pharmacy}, {rx.Price} {rx.Asset} locked");
        if (rx.Programme.Length > 0) Row("Programme", $"{rx.Programme}: {rx.Rewards} rewarded");
        foreach (var a in rx.Alerts) Row("Alert", $"{a.Severity} {a.Kind}, code sealed (acknowledged)");
        Session.Out.Write(grid);
        if (log.Count > 0)
        {
            var table = new Table().Title("Dispenses").AddColumns("Time (UTC)", "Fill", "Doses", "Charge", "Pharmacy", "Pharmacist");
            foreach (var d in log)
                table.AddRow(LedgerTime.FormatUtc(d.Time), $"{d.Fill}", $"{d.Quantity}", $"{d.Charge} {d.Asset}", d.Pharmacy, names.Of(d.Pharmacist));
            Session.Out.Write(table);
        }
        return ExitCodes.Ok;
    }
}
