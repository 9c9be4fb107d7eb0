using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Prescriptions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>
/// A pharmacist verifies a presented prescription (status, expiry, fills, pharmacy, code, content
/// hash, drug, the prescriber's licence at signature), prints what was checked, then dispenses.
/// </summary>
public sealed class RxDispenseCommand(CliSession session) : PrescriptionsCommand<RxDispenseCommand.Settings>(session)
{
    public sealed class Settings : PrescriptionSettings
    {
        [CommandOption("--code <CODE>", isRequired: true)]
        [Description("The one-time code the patient gave you")]
        public string Code { get; init; } = "";

        [CommandOption("--quantity <DOSES>")]
        [Description("Doses to hand over now (default: the rest of the fill)")]
        public long? Quantity { get; init; }

        [CommandOption("--charge <AMOUNT>")]
        [Description("What to charge, at most the price the patient agreed to (default 0)")]
        public long Charge { get; init; }

        [CommandOption("--verify-only")]
        [Description("Check and print, but do not dispense")]
        public bool VerifyOnly { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct)
    {
        using var key = settings.LoadKey(Session);
        var check = await prescriptions.VerifyAsync(key, settings.Prescription, settings.Code.Trim(), ct);
        foreach (var passed in check.Checked) Session.Out.Write(new OneLine($"✓ {passed}", new Style(Color.Green)));
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Medication[/]"), new Text(check.Medication));
        grid.AddRow(new Markup("[grey]Dose[/]"), new Text(check.Dose));
        Session.Out.Write(grid);
        if (settings.VerifyOnly) return ExitCodes.Ok;

        var quantity = settings.Quantity ?? check.Prescription.Remaining;
        var receipt = await prescriptions.DispenseAsync(key, check, settings.Code.Trim(), quantity, settings.Charge, ct);
        ReceiptView.Render(Session.Out, receipt, "prescriptions.dispense");
        Session.Success($"dispensed {quantity} doses of fill {check.Fill}, charged {settings.Charge}");
        return ExitCodes.Ok;
    }
}
