using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Prescriptions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>
/// A prescriber issues a prescription: treatment support checks it against the patient's allergies and
/// medications on this machine; while it raises alerts the prescription is refused unless acknowledged.
/// </summary>
public sealed class RxIssueCommand(CliSession session) : PrescriptionsCommand<RxIssueCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--patient <ACCOUNT>", isRequired: true)]
        [Description("The patient: an account id or a key name in the keystore")]
        public string Patient { get; init; } = "";

        [CommandOption("--medication <DRUG>", isRequired: true)]
        [Description("system|code|display, the system rxnorm or atc, e.g. 'rxnorm|723|amoxicillin 500 mg capsule'")]
        public string Medication { get; init; } = "";

        [CommandOption("--dose <TEXT>", isRequired: true)]
        [Description("How to take it, e.g. 'one capsule three times a day with food'")]
        public string Dose { get; init; } = "";

        [CommandOption("--quantity <DOSES>", isRequired: true)]
        [Description("Doses per fill")]
        public long Quantity { get; init; }

        [CommandOption("--fills <N>")]
        [Description("Number of fills, 1 to 12 (default 1)")]
        [DefaultValue(1L)]
        public long Fills { get; init; } = 1;

        [CommandOption("--valid-for <SPAN>")]
        [Description("How long it may be dispensed: a span such as 30d or 2w (at most 366d), or an end date (default 30d)")]
        [DefaultValue("30d")]
        public string ValidFor { get; init; } = "30d";

        [CommandOption("--per-day <DOSES>")]
        [Description("Scheduled doses a day, for adherence (default 1)")]
        [DefaultValue(1L)]
        public long PerDay { get; init; } = 1;

        [CommandOption("--acknowledge-alerts")]
        [Description("Issue despite the treatment-support alerts shown; they are recorded as acknowledged")]
        public bool AcknowledgeAlerts { get; init; }

        [CommandOption("--id <ID>")]
        [Description("The prescription id (lowercase letters, digits, hyphens). Default: a fresh one")]
        public string? Id { get; init; }

        public override ValidationResult Validate() =>
            Client.Prescriptions.Medication.TryParse(Medication, out var error) is null ? ValidationResult.Error($"--medication: {error}") : base.Validate();
    }

    protected override async Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var validFor = TimeSpan.FromMilliseconds(LedgerTime.ParseUntil(settings.ValidFor, "--valid-for", now) - now.ToUnixTimeMilliseconds());
        var order = new PrescriptionOrder(settings.ResolveAccount(settings.Patient), Medication.TryParse(settings.Medication, out _)!, settings.Dose,
            settings.Quantity, settings.Fills, validFor, settings.PerDay);
        using var key = settings.LoadKey(Session);
        IssuedPrescription issued;
        try { issued = await prescriptions.IssueAsync(key, order, settings.AcknowledgeAlerts, settings.Id, ct); }
        catch (PrescriptionException e) when (e.Alerts.Count > 0)
        {
            Session.Out.Write(AlertsTable(e.Alerts));
            throw new CliException($"refused: {e.Alerts.Count} treatment-support alert{(e.Alerts.Count == 1 ? "" : "s")} above; " +
                                   "review them and issue again with --acknowledge-alerts to go on");
        }

        if (issued.Alerts.Count > 0)
        {
            Session.Out.Write(AlertsTable(issued.Alerts));
            Session.Warning($"{issued.Alerts.Count} alert{(issued.Alerts.Count == 1 ? "" : "s")} acknowledged and recorded with the prescription");
        }
        ReceiptView.Render(Session.Out, issued.Receipt, "prescriptions.issue");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Prescription[/]"), new Text(issued.Id));
        grid.AddRow(new Markup("[grey]Record[/]"), new Text(issued.Record));
        grid.AddRow(new Markup("[grey]Medication[/]"), new Text($"{order.Medication.Display} ({order.Medication.LedgerCode}): {order.Dose}"));
        grid.AddRow(new Markup("[grey]Fills[/]"), new Text($"{order.Fills} × {order.Quantity} doses, {order.DosesPerDay} a day"));
        grid.AddRow(new Markup("[grey]Valid until[/]"), new Text(LedgerTime.Format((now + validFor).ToUnixTimeMilliseconds())));
        Session.Out.Write(grid);
        return ExitCodes.Ok;
    }

    public static Table AlertsTable(IReadOnlyList<TreatmentAlert> alerts)
    {
        var table = new Table().Title("Treatment-support alerts").AddColumns("Severity", "Kind", "Code", "Detail", "Source");
        foreach (var a in alerts)
        {
            var colour = a.Severity switch { "high" => "red", "moderate" => "yellow", _ => "grey" };
            table.AddRow(new Markup($"[{colour}]{a.Severity}[/]"), new Text(a.Kind), new Text(a.Code), new Text(a.Detail), new Text(a.Source));
        }
        return table;
    }
}
