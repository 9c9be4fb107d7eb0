using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Encoding;
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

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var args = new CborMap { ["account"] = settings.ResolveAccount(settings.Account).ToString(), ["role"] = settings.Role };
        if (!string.IsNullOrEmpty(settings.Name)) args["name"] = settings.Name;
        return Submission.SendAsync(session, settings, "membership", "register", args, ct);
    }
}
