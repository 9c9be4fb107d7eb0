using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Fhir;

/// <summary>
/// Withdraws a practitioner's FHIR access: every token of their custodial key stops working at the node's next request
/// (it re-reads the token file when it changes). With --forget-key the node also deletes the key it held for them.
/// </summary>
public sealed class FhirAccessWithdrawCommand(CliSession session) : Command<FhirAccessWithdrawCommand.Settings>
{
    public sealed class Settings : FhirAccessSettings
    {
        [CommandOption("--key <NAME>")]
        [Description("The name the node holds the key under (see fhir access list)")]
        public string? Key { get; init; }

        [CommandOption("--forget-key")]
        [Description("Also delete the node's copy of the key (a running node keeps an unlocked copy in memory until it restarts, but no token reaches it)")]
        public bool ForgetKey { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } bad ? bad
            : string.IsNullOrWhiteSpace(Key) ? ValidationResult.Error("name the key with --key <NAME> (see fhir access list)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken ct)
    {
        var custodial = settings.Custodial;
        if (custodial.List().All(k => k.Name != settings.Key))
            throw new CliException($"the node in {settings.Data} holds no key named '{settings.Key}' (see fhir access list)");
        var withdrawn = settings.Tokens.Withdraw(settings.Key!);
        var forgotten = settings.ForgetKey && custodial.Delete(settings.Key!);
        session.Success($"withdrew {withdrawn} token{(withdrawn == 1 ? "" : "s")} of {settings.Key}{(forgotten ? " and deleted the node's copy of the key" : "")}");
        return ExitCodes.Ok;
    }
}
