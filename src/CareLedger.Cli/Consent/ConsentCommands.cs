using Spectre.Console.Cli;

namespace CareLedger.Cli.Consent;

/// <summary>The consent commands: consent grant, revoke and list.</summary>
public static class ConsentCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("consent", consent =>
        {
            consent.SetDescription("Grant and withdraw access to your records");
            consent.AddCommand<ConsentGrantCommand>("grant").WithDescription("Let an account or organisation read records for a purpose, until a time")
                .WithExample("consent", "grant", "--to", "dr-rivera", "--purpose", "treatment", "--type", "Observation", "--until", "30d", "--key", "patient-jones");
            consent.AddCommand<ConsentRevokeCommand>("revoke").WithDescription("Withdraw a grant").WithExample("consent", "revoke", "<grant-id>", "--key", "patient-jones");
            consent.AddCommand<ConsentListCommand>("list").WithDescription("List a patient's grants: active, expired or revoked")
                .WithExample("consent", "list", "--patient", "patient-jones");
        });
    }
}
