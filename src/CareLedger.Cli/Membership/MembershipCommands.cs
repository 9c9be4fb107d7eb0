using Spectre.Console.Cli;

namespace CareLedger.Cli.Membership;

/// <summary>The membership commands: member add.</summary>
public static class MembershipCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("member", member =>
        {
            member.SetDescription("Manage your organisation's members");
            member.AddCommand<MemberAddCommand>("add").WithDescription("Register an account in the signing admin's organisation")
                .WithExample("member", "add", "dr-lee", "--role", "practitioner", "--name", "\"Dr. Lee\"", "--key", "clinic-admin");
        });
    }
}
