using Spectre.Console.Cli;

namespace CareLedger.Cli.Licensing;

/// <summary>The licensing commands: licence issue, revoke and verify.</summary>
public static class LicensingCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("licence", licence =>
        {
            licence.SetDescription("Issue, revoke and verify practitioner licences");
            licence.AddCommand<LicenceIssueCommand>("issue").WithDescription("Issue or renew a licence (licensing authority admins)")
                .WithExample("licence", "issue", "dr-lee", "--specialty", "cardiology", "--jurisdiction", "EU-DEMO", "--valid-until", "2027-12-31", "--key", "board-admin");
            licence.AddCommand<LicenceRevokeCommand>("revoke").WithDescription("Revoke a licence (licensing authority admins)");
            licence.AddCommand<LicenceVerifyCommand>("verify").WithDescription("Check a licence, now or --at a time; exits 2 when it does not hold")
                .WithExample("licence", "verify", "dr-lee");
        });
    }
}
