using System.ComponentModel;
using CareLedger.Client.Prescriptions;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>The prescriber cancels: nothing more is dispensed, a presentation's locked price goes back to the patient.</summary>
public sealed class RxCancelCommand(CliSession session) : PrescriptionsCommand<RxCancelCommand.Settings>(session)
{
    public sealed class Settings : PrescriptionSettings
    {
        [CommandOption("--reason <TEXT>")]
        [Description("Why, for the patient")]
        public string? Reason { get; init; }
    }

    protected override Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct) =>
        SignAsync(settings, "prescriptions.cancel", key => prescriptions.CancelAsync(key, settings.Prescription, settings.Reason, ct));
}

/// <summary>Another practitioner takes over a prescription whose prescriber's licence was revoked, after reading it.</summary>
public sealed class RxRenewCommand(CliSession session) : PrescriptionsCommand<PrescriptionSettings>(session)
{
    protected override Task<int> RunAsync(PrescriptionSettings settings, PrescriptionsClient prescriptions, CancellationToken ct) =>
        SignAsync(settings, "prescriptions.renew", key => prescriptions.RenewAsync(key, settings.Prescription, ct));
}

/// <summary>The patient takes a presentation back, and the locked price with it.</summary>
public sealed class RxWithdrawCommand(CliSession session) : PrescriptionsCommand<PrescriptionSettings>(session)
{
    protected override Task<int> RunAsync(PrescriptionSettings settings, PrescriptionsClient prescriptions, CancellationToken ct) =>
        SignAsync(settings, "prescriptions.withdraw", key => prescriptions.WithdrawAsync(key, settings.Prescription, ct));
}

/// <summary>A pharmacy admin moves takings from the pharmacy's till into their balance.</summary>
public sealed class RxCollectCommand(CliSession session) : PrescriptionsCommand<RxCollectCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--amount <AMOUNT>", isRequired: true)]
        public long Amount { get; init; }

        [CommandOption("--asset <SYMBOL>")]
        [DefaultValue("CARE")]
        public string Asset { get; init; } = "CARE";
    }

    protected override Task<int> RunAsync(Settings settings, PrescriptionsClient prescriptions, CancellationToken ct) =>
        SignAsync(settings, "prescriptions.collect", key => prescriptions.CollectAsync(key, settings.Asset, settings.Amount, ct));
}
