using System.ComponentModel;
using CareLedger.Client.Prescriptions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>A patient's or a prescriber's prescriptions, newest first. Read as them (their key, or --as).</summary>
public sealed class RxListCommand(CliSession session) : PrescriptionsCommand<RxListCommand.Settings>(session)
{
    public sealed class Settings : AccountSettings
    {
        [CommandOption("--patient <ACCOUNT>")]
        [Description("The patient: an account id or a key name")]
        public string? Patient { get; init; }

        [CommandOption("--prescriber <ACCOUNT>")]
        [Description("Or the prescriber")]
        public string? Prescriber { get; init; }

        public override string? ReadsAbout => Patient ?? Prescriber;

        [CommandOption("--json")]
        [Description("Print the prescriptions as JSON")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            (Patient is null) == (Prescriber is null) ? ValidationResult.Error("say whose prescriptions: --patient or --prescriber, not both") : base.Validate();
    }

    protected override async Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct)
    {
        var list = settings.Patient is not null
            ? await prescriptions.ListAsync(patient: settings.ResolveAccount(settings.Patient), ct: ct)
            : await prescriptions.ListAsync(prescriber: settings.ResolveAccount(settings.Prescriber!), ct: ct);
        if (settings.Json)
        {
            Session.WriteJson(list);
            return ExitCodes.Ok;
        }
        var names = settings.Names();
        var table = new Table().AddColumns("Prescription", "Medication", "Status", "Fills left", "Valid until (UTC)", "Presented to",
            settings.Patient is not null ? "Prescriber" : "Patient");
        foreach (var rx in list)
            table.AddRow(rx.Id, $"sealed, record {rx.Record}", rx.Status, $"{rx.FillsLeft}/{rx.Fills}", LedgerTime.FormatUtc(rx.Expiry), rx.Pharmacy.Length > 0 ? rx.Pharmacy : "-",
                names.Of(settings.Patient is not null ? rx.Prescriber : rx.Patient));
        Session.Out.Write(table);
        return ExitCodes.Ok;
    }
}
