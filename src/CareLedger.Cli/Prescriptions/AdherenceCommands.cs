using System.ComponentModel;
using CareLedger.Client.Prescriptions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>An insurer or clinic admin funds an adherence programme's pool and sets its rewards.</summary>
public sealed class AdherenceFundCommand(CliSession session) : PrescriptionsCommand<AdherenceFundCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<PROGRAMME>")]
        [Description("The programme id (lowercase letters, digits, hyphens)")]
        public string Programme { get; init; } = "";

        [CommandOption("--amount <AMOUNT>", isRequired: true)]
        [Description("Added to the pool from your balance")]
        public long Amount { get; init; }

        [CommandOption("--per-day <AMOUNT>")]
        [Description("Reward for each day every scheduled dose is checked in")]
        public long PerDay { get; init; }

        [CommandOption("--per-dispense <AMOUNT>")]
        [Description("Reward for each dispense")]
        public long PerDispense { get; init; }

        [CommandOption("--asset <SYMBOL>")]
        [DefaultValue("CARE")]
        public string Asset { get; init; } = "CARE";
    }

    protected override Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct) =>
        SignAsync(settings, "prescriptions.fund-programme",
            key => prescriptions.FundProgrammeAsync(key, settings.Programme, settings.Asset, settings.Amount, settings.PerDay, settings.PerDispense, ct));
}

/// <summary>The patient joins one of their prescriptions to a programme.</summary>
public sealed class AdherenceJoinCommand(CliSession session) : PrescriptionsCommand<AdherenceJoinCommand.Settings>(session)
{
    public sealed class Settings : PrescriptionSettings
    {
        [CommandOption("--programme <PROGRAMME>", isRequired: true)]
        public string Programme { get; init; } = "";
    }

    protected override Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct) =>
        SignAsync(settings, "prescriptions.join", key => prescriptions.JoinAsync(key, settings.Prescription, settings.Programme, ct));
}

/// <summary>The patient checks in one dose taken.</summary>
public sealed class AdherenceCheckInCommand(CliSession session) : PrescriptionsCommand<PrescriptionSettings>(session)
{
    protected override Task<int> RunAsync(PrescriptionSettings settings, PrescriptionsClient prescriptions, CancellationToken ct) =>
        SignAsync(settings, "prescriptions.check-in", key => prescriptions.CheckInAsync(key, settings.Prescription, ct));
}

/// <summary>A patient's adherence: doses taken against scheduled, per prescription and in total. Read as the patient or a practitioner caring for them (their key, or --as).</summary>
public sealed class AdherenceShowCommand(CliSession session) : PrescriptionsCommand<AdherenceShowCommand.Settings>(session)
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("An account id or a key name")]
        public string Patient { get; init; } = "";

        public override string? ReadsAbout => Patient;

        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct)
    {
        var adherence = await prescriptions.AdherenceAsync(settings.ResolveAccount(settings.Patient), ct);
        if (settings.Json)
        {
            Session.WriteJson(adherence);
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("Prescription", "Medication", "A day", "Taken", "Scheduled", "Adherence", "Full days", "Rewards", "Programme");
        foreach (var p in adherence.Prescriptions)
            table.AddRow(p.Prescription, "sealed", $"{p.DosesPerDay}", $"{p.Taken}", $"{p.Scheduled}", $"{p.Percent}%", $"{p.AdherentDays}", $"{p.Rewards}",
                p.Programme.Length > 0 ? p.Programme : "-");
        Session.Out.Write(table);
        Session.Out.Write(new OneLine($"Adherence {adherence.Percent}%: {adherence.Taken} of {adherence.Scheduled} scheduled doses taken, {adherence.Rewards} rewarded",
            Style.Plain));
        return ExitCodes.Ok;
    }
}
