using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Membership;
using CareLedger.Contracts.Membership;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Membership;

/// <summary>Registers an account as a member of the signing admin's organisation.</summary>
public sealed class MemberAddCommand(CliSession session) : AsyncCommand<MemberAddCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<ACCOUNT>")]
        [Description("The new member: an account id or a key name in the keystore")]
        public string Account { get; init; } = "";

        [CommandOption("--role <ROLE>", isRequired: true)]
        [Description("patient, practitioner, pharmacist, researcher, service or admin")]
        public string Role { get; init; } = "";

        [CommandOption("--name <NAME>")]
        [Description("A display name")]
        public string? Name { get; init; }

        public override ValidationResult Validate() => Roles.All.Contains(Role)
            ? base.Validate()
            : ValidationResult.Error($"unknown role '{Role}'; roles are {string.Join(", ", Roles.All)}");
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct) =>
        Submission.SendAsync(session, settings, "membership.register",
            (node, key) => new MembershipClient(node).RegisterAsync(key, settings.ResolveAccount(settings.Account), settings.Role, settings.Name, ct));
}
