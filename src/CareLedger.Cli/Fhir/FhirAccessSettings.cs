using System.ComponentModel;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Fhir;

/// <summary>The node whose custodial store the command works on: its data folder, on this machine.</summary>
public class FhirAccessSettings : CommandSettings
{
    [CommandOption("--data <DIR>")]
    [Description("The node's data folder (its custodial keys are in <DIR>/custodial)")]
    public string? Data { get; init; }

    public string CustodialFolder => Path.Combine(Data!, "custodial");

    public KeyStore Custodial => new(CustodialFolder);

    public CustodialTokens Tokens => new(CustodialFolder);

    public RegisteredApps Apps => new(CustodialFolder);

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("give the node's data folder with --data <DIR>")
        : !Directory.Exists(Path.Combine(Data, "node")) ? ValidationResult.Error($"{Data} is not a node's data folder (it has no node/ keystore)")
        : ValidationResult.Success();
}
