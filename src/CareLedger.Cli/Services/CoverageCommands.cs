using System.ComponentModel;
using CareLedger.Client.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>An insurer covers a patient's consultations up to a total, paid from its treasury.</summary>
public sealed class CoverageSetCommand(CliSession session) : ServicesCommand<CoverageSetCommand.Settings>(session)
{
    public sealed class Settings : SignerSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("An account id or a key name in the keystore")]
        public string Patient { get; init; } = "";

        [CommandOption("--limit <AMOUNT>", isRequired: true)]
        [Description("The total covered; 0 stops cover")]
        public long Limit { get; init; }

        [CommandOption("--asset <SYMBOL>")]
        [Description("Default: CARE")]
        public string Asset { get; init; } = "CARE";
    }

    protected override Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.set-coverage", key => services.SetCoverageAsync(key, settings.ResolveAccount(settings.Patient), settings.Asset, settings.Limit, ct));
}

/// <summary>Options of the commands that move an amount between an admin's balance and their organisation's treasury.</summary>
public sealed class TreasurySettings : SignerSettings
{
    [CommandOption("--amount <AMOUNT>", isRequired: true)]
    [Description("A positive whole number of units")]
    public long Amount { get; init; }

    [CommandOption("--asset <SYMBOL>")]
    [Description("Default: CARE")]
    public string Asset { get; init; } = "CARE";

    public override ValidationResult Validate() =>
        Amount > 0 ? base.Validate() : ValidationResult.Error($"--amount must be a positive whole number, not {Amount}");
}

/// <summary>An organisation admin funds the organisation's treasury from their balance (an insurer pays covered consultations from it).</summary>
public sealed class TreasuryDepositCommand(CliSession session) : ServicesCommand<TreasurySettings>(session)
{
    protected override Task<int> RunAsync(CommandContext context, TreasurySettings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.deposit", key => services.DepositAsync(key, settings.Asset, settings.Amount, ct));
}

/// <summary>An organisation admin takes from the treasury into their balance (the operator collects its fees this way).</summary>
public sealed class TreasuryWithdrawCommand(CliSession session) : ServicesCommand<TreasurySettings>(session)
{
    protected override Task<int> RunAsync(CommandContext context, TreasurySettings settings, ServicesClient services, CancellationToken ct) =>
        SignAsync(settings, "services.withdraw", key => services.WithdrawAsync(key, settings.Asset, settings.Amount, ct));
}

/// <summary>What an organisation's treasury holds: an insurer's funds, or the platform fees the operator collected. Read as a member of its staff (--as).</summary>
public sealed class TreasuryShowCommand(CliSession session) : ServicesCommand<TreasuryShowCommand.Settings>(session)
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<ORG>")]
        [Description("The organisation, e.g. platform")]
        public string Org { get; init; } = "";

        [CommandOption("--asset <SYMBOL>")]
        [Description("Default: CARE")]
        public string Asset { get; init; } = "CARE";

        [CommandOption("--json")]
        [Description("Print the contract's answer as JSON")]
        public bool Json { get; init; }
    }

    protected override async Task<int> RunAsync(CommandContext context, Settings settings, ServicesClient services, CancellationToken ct)
    {
        var treasury = await services.GetTreasuryAsync(settings.Org, settings.Asset, ct);
        if (settings.Json) Session.WriteJson(treasury);
        else Session.Out.MarkupLineInterpolated($"The treasury of {treasury.Org} holds [bold]{treasury.Amount} {treasury.Asset}[/]");
        return ExitCodes.Ok;
    }
}
