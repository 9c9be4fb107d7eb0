using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Prescriptions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>
/// The patient presents a prescription to one pharmacy: the agreed price is locked, the pharmacy may
/// read this prescription and no other record, and a one-time code is printed for the pharmacist.
/// </summary>
public sealed class RxPresentCommand(CliSession session) : PrescriptionsCommand<RxPresentCommand.Settings>(session)
{
    public sealed class Settings : PrescriptionSettings
    {
        [CommandOption("--pharmacy <ORG>", isRequired: true)]
        [Description("The pharmacy organisation, e.g. corner-pharmacy")]
        public string Pharmacy { get; init; } = "";

        [CommandOption("--price <AMOUNT>")]
        [Description("What you agree to pay at most; locked from your balance until dispensed or withdrawn (default 0)")]
        public long Price { get; init; }

        [CommandOption("--asset <SYMBOL>")]
        [Description("The asset the price is in (default CARE)")]
        [DefaultValue("CARE")]
        public string Asset { get; init; } = "CARE";

        [CommandOption("--insurer <ORG>")]
        [Description("Your insurer pays, from its prescription fund within your coverage (prescriptions.fund-coverage and set-coverage, sent by the insurer)")]
        public string? Insurer { get; init; }

        public override ValidationResult Validate() => Price < 0 ? ValidationResult.Error("--price must not be negative") : base.Validate();
    }

    protected override async Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct)
    {
        using var key = settings.LoadKey(Session);
        var presented = await prescriptions.PresentAsync(key, settings.Prescription, settings.Pharmacy, settings.Price, settings.Price > 0 ? settings.Asset : null, ct, settings.Insurer);
        ReceiptView.Render(Session.Out, presented.Receipt, "prescriptions.present");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]One-time code[/]"), new Markup($"[bold]{presented.Code}[/]"));
        grid.AddRow(new Markup("[grey]Pharmacy[/]"), new Text($"{settings.Pharmacy}, which may read this prescription and no other record (grant {presented.Grant})"));
        grid.AddRow(new Markup("[grey]Price[/]"), new Text(settings.Price > 0 ? $"{settings.Price} {settings.Asset} locked until dispensed" : "none"));
        Session.Out.Write(grid);
        Session.Note("Give the code to the pharmacist only: it is what lets them dispense, once.");
        return ExitCodes.Ok;
    }
}
