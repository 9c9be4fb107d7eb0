using System.ComponentModel;
using CareLedger.Cli.Keys;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Fhir;

/// <summary>
/// Gives a practitioner FHIR access through a node (ADR 0006): their key, unlocked with their passphrase, is saved in the
/// node's custodial store under the node passphrase, and a bearer token for it is issued and shown once. The node accepts
/// the token only while the key's account is a practitioner (not a patient or a service) of the node's own organisation,
/// so this command can run before or after the organisation registers them. It works while the node runs.
/// </summary>
public sealed class FhirAccessGrantCommand(CliSession session) : Command<FhirAccessGrantCommand.Settings>
{
    public const string NodePassphraseVariable = "CARELEDGER_NODE_PASSPHRASE";

    public sealed class Settings : FhirAccessSettings
    {
        [CommandOption("--key <NAME>")]
        [Description("The practitioner's key in their keystore; its passphrase comes from $CARELEDGER_PASSPHRASE or a prompt")]
        public string? Key { get; init; }

        [CommandOption("--keystore <DIR>")]
        [Description("The practitioner's keystore folder. Default: $CARELEDGER_KEYSTORE, else ~/.careledger/keys")]
        public string? Keystore { get; init; }

        [CommandOption("--as <NAME>")]
        [Description("The name the node keeps the key under (default: the key's own name)")]
        public string? As { get; init; }

        [CommandOption("--node-passphrase-file <FILE>")]
        [Description("A file holding the node passphrase (e.g. a systemd credential). Default: $CARELEDGER_NODE_PASSPHRASE, else a prompt")]
        public string? NodePassphraseFile { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } bad ? bad
            : string.IsNullOrWhiteSpace(Key) ? ValidationResult.Error("name the practitioner's key with --key <NAME>")
            : NodePassphraseFile is not null && !File.Exists(NodePassphraseFile) ? ValidationResult.Error($"no file {NodePassphraseFile} (--node-passphrase-file)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken ct)
    {
        var name = settings.As ?? settings.Key!;
        var nodePassphrase = NodePassphrase(session, settings.NodePassphraseFile, settings.Data!);

        var practitioners = new KeyStore(settings.Keystore ?? KeyStore.DefaultFolder);
        using var key = practitioners.Load(settings.Key!, session.PassphraseFor(settings.Key!));
        var custodial = settings.Custodial;
        if (custodial.List().FirstOrDefault(k => k.Name == name) is { } held)
        {
            if (held.Account != key.Account)
                throw new CliException($"the node already holds a different key named '{name}' ({held.Account}); choose another name with --as");
        }
        else
        {
            custodial.Save(name, key, nodePassphrase);
        }
        var token = settings.Tokens.Issue(name);

        session.Success($"FHIR access for {name} ({key.Account}) through the node in {settings.Data}");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Token[/]"), new Text(token));
        grid.AddRow(new Markup("[grey]Use[/]"), new Text("Authorization: Bearer <token> on the node's /fhir (shown once; only its hash is kept)"));
        grid.AddRow(new Markup("[grey]Works while[/]"), new Text($"{key.Account} is a practitioner of the node's organisation (membership register), and until withdrawn"));
        session.Out.Write(grid);
        return ExitCodes.Ok;
    }

    /// <summary>The node passphrase, checked against the node's own key: it must be the one the node runs with, or the node could not unlock what is written.</summary>
    internal static string NodePassphrase(CliSession session, string? file, string data)
    {
        var passphrase = file is not null ? File.ReadAllText(file).TrimEnd('\r', '\n')
            : Environment.GetEnvironmentVariable(NodePassphraseVariable) is { Length: > 0 } variable ? variable
            : session.CanPrompt ? session.Secret("Node passphrase (the one the node runs with):")
            : throw new CliException($"the node passphrase is needed: give --node-passphrase-file, set {NodePassphraseVariable}, or run in an interactive terminal");
        try { using var _ = new KeyStore(Path.Combine(data, "node")).Load("validator", passphrase); }
        catch (KeyStoreException) { throw new CliException($"the node passphrase does not open the node's keys in {data}; nothing was changed"); }
        return passphrase;
    }
}
