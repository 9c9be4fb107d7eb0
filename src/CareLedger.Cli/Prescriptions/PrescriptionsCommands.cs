using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>The e-prescription commands: rx (issue, show, list, present, dispense, ...) and adherence.</summary>
public static class PrescriptionsCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("rx", rx =>
        {
            rx.SetDescription("E-prescriptions: issue, present to a pharmacy, dispense");
            rx.AddCommand<RxIssueCommand>("issue").WithDescription("Issue a prescription, checked against the patient's allergies and medications")
                .WithExample("rx", "issue", "--patient", "patient-jones", "--medication", "\"rxnorm|723|amoxicillin 500 mg\"", "--dose", "\"one capsule three times a day\"",
                    "--quantity", "21", "--fills", "1", "--valid-for", "30d", "--per-day", "3", "--key", "dr-rivera");
            rx.AddCommand<RxShowCommand>("show").WithDescription("Show a prescription, its fills and dispenses");
            rx.AddCommand<RxListCommand>("list").WithDescription("List a patient's or a prescriber's prescriptions").WithExample("rx", "list", "--patient", "patient-jones");
            rx.AddCommand<RxPresentCommand>("present").WithDescription("Present a prescription to a pharmacy and get its one-time code (the patient)")
                .WithExample("rx", "present", "<prescription>", "--pharmacy", "corner-pharmacy", "--price", "12", "--key", "patient-jones");
            rx.AddCommand<RxWithdrawCommand>("withdraw").WithDescription("Take a presentation back, with its locked price (the patient)");
            rx.AddCommand<RxDispenseCommand>("dispense").WithDescription("Verify a presented prescription and dispense it (a pharmacist)")
                .WithExample("rx", "dispense", "<prescription>", "--code", "<code>", "--quantity", "21", "--charge", "12", "--key", "pharmacist-chen");
            rx.AddCommand<RxCancelCommand>("cancel").WithDescription("Cancel a prescription (the prescriber)");
            rx.AddCommand<RxRenewCommand>("renew").WithDescription("Take over a prescription whose prescriber's licence was revoked");
            rx.AddCommand<RxCollectCommand>("collect").WithDescription("Move takings from your pharmacy's till to your balance (pharmacy admins)");
        });
        config.AddBranch("adherence", adherence =>
        {
            adherence.SetDescription("Adherence to prescriptions, and programmes that reward it");
            adherence.AddCommand<AdherenceFundCommand>("fund").WithDescription("Fund a programme's pool and set its rewards (insurer or clinic admins)")
                .WithExample("adherence", "fund", "take-it", "--amount", "500", "--per-day", "1", "--per-dispense", "5", "--key", "insurer-admin");
            adherence.AddCommand<AdherenceJoinCommand>("join").WithDescription("Join a prescription to a programme (the patient)");
            adherence.AddCommand<AdherenceCheckInCommand>("check-in").WithDescription("Check in one dose taken (the patient)");
            adherence.AddCommand<AdherenceShowCommand>("show").WithDescription("Doses taken against scheduled, as a percentage").WithExample("adherence", "show", "patient-jones");
        });
    }
}
