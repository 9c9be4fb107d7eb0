using Spectre.Console.Cli;

namespace CareLedger.Cli.Fhir;

/// <summary>The operator's commands for the FHIR endpoint: which practitioners' keys the node holds, and their tokens (ADR 0006).</summary>
public static class FhirCommands
{
    public static void Register(IConfigurator config) =>
        config.AddBranch("fhir", fhir =>
        {
            fhir.SetDescription("FHIR access: the practitioners' keys a node holds for its /fhir endpoint, their bearer tokens, and SMART apps");
            fhir.AddBranch("access", access =>
            {
                access.SetDescription("Provision, list and withdraw practitioners' FHIR access on a node (run on the node's machine)");
                access.AddCommand<FhirAccessGrantCommand>("grant")
                    .WithDescription("Put a practitioner's key into the node's custodial store (under the node passphrase) and issue a bearer token, shown once")
                    .WithExample("fhir", "access", "grant", "--data", "/var/lib/careledger", "--key", "dr-okafor", "--keystore", "/media/usb/keys");
                access.AddCommand<FhirAccessListCommand>("list")
                    .WithDescription("The practitioners' keys the node holds, and how many tokens each has")
                    .WithExample("fhir", "access", "list", "--data", "/var/lib/careledger");
                access.AddCommand<FhirAccessWithdrawCommand>("withdraw")
                    .WithDescription("Withdraw every token of a key (the node refuses them at once); --forget-key also deletes the key from the node")
                    .WithExample("fhir", "access", "withdraw", "--data", "/var/lib/careledger", "--key", "dr-okafor", "--forget-key");
            });
            fhir.AddBranch("app", apps =>
            {
                apps.SetDescription("Register, list and remove SMART on FHIR apps that patients may let read their records (run on the node's machine)");
                apps.AddCommand<FhirAppRegisterCommand>("register")
                    .WithDescription("Make the app's key (kept by the node), enrol it as a service of the organisation, and give the app a client_id")
                    .WithExample("fhir", "app", "register", "--data", "/var/lib/careledger", "--name", "Vitals Diary", "--redirect-uri", "https://vitals.example/callback",
                        "--key", "clinic-admin");
                apps.AddCommand<FhirAppListCommand>("list")
                    .WithDescription("The SMART apps the node lets in")
                    .WithExample("fhir", "app", "list", "--data", "/var/lib/careledger");
                apps.AddCommand<FhirAppRemoveCommand>("remove")
                    .WithDescription("Stop letting an app in: its requests and tokens are refused at once, and the node forgets its key")
                    .WithExample("fhir", "app", "remove", "--data", "/var/lib/careledger", "--client-id", "0123456789abcdef0123456789abcdef");
            });
        });
}
