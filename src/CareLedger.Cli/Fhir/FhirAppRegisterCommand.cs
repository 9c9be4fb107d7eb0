using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Fhir;

/// <summary>
/// Registers a SMART on FHIR app on a node (ADR 0025): a fresh key for the app is made and kept in the node's custodial store
/// under the node passphrase, enrolled as a <c>service</c> member of the organisation (signed by one of its admins, --key)
/// and published, so that a patient's grant can name the app and wrap record keys for it; then the app is written to
/// apps.json with its redirect URIs, and its client_id is shown. Run on the node's machine; it works while the node runs.
/// </summary>
public sealed class FhirAppRegisterCommand(CliSession session) : AsyncCommand<FhirAppRegisterCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--data <DIR>")]
        [Description("The node's data folder (the app's key goes to <DIR>/custodial, the app to <DIR>/custodial/apps.json)")]
        public string? Data { get; init; }

        [CommandOption("--name <NAME>")]
        [Description("The app's name, as patients will see it when they approve it")]
        public string? Name { get; init; }

        [CommandOption("--redirect-uri <URI>")]
        [Description("Where the app receives its authorization code; exact match; repeat for several. https, or http on 127.0.0.1/localhost")]
        public string[] RedirectUris { get; init; } = [];

        [CommandOption("--node-passphrase-file <FILE>")]
        [Description("A file holding the node passphrase. Default: $CARELEDGER_NODE_PASSPHRASE, else a prompt")]
        public string? NodePassphraseFile { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } bad ? bad
            : string.IsNullOrWhiteSpace(Data) ? ValidationResult.Error("give the node's data folder with --data <DIR>")
            : !Directory.Exists(Path.Combine(Data, "node")) ? ValidationResult.Error($"{Data} is not a node's data folder (it has no node/ keystore)")
            : string.IsNullOrWhiteSpace(Name) || Name.Length > 100 ? ValidationResult.Error("name the app with --name <NAME> (1 to 100 characters)")
            : RedirectUris.Length == 0 ? ValidationResult.Error("give at least one --redirect-uri <URI>")
            : RedirectUris.Select(RegisteredApps.CheckRedirectUri).FirstOrDefault(e => e is not null) is { } badUri ? ValidationResult.Error($"--redirect-uri: {badUri}")
            : NodePassphraseFile is not null && !File.Exists(NodePassphraseFile) ? ValidationResult.Error($"no file {NodePassphraseFile} (--node-passphrase-file)")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var nodePassphrase = FhirAccessGrantCommand.NodePassphrase(session, settings.NodePassphraseFile, settings.Data!);
        using var admin = settings.LoadKey(session);
        var custodialFolder = Path.Combine(settings.Data!, "custodial");
        var clientId = RegisteredApps.NewClientId();
        var keyName = RegisteredApps.KeyPrefix + clientId;
        using var appKey = SigningKey.Generate();

        using var http = settings.Connect();
        var node = new NodeClient(http);
        try
        {
            await new MembershipClient(node.As(admin)).RegisterAsync(admin, appKey.Account, "service", settings.Name, ct);
            await new RecordsClient(node.As(appKey)).PublishKeyAsync(appKey, ct);
        }
        catch (ContractActionException e)
        {
            throw new CliException($"the app could not be enrolled on the ledger: {e.Message}; nothing was written to {settings.Data}");
        }
        new KeyStore(custodialFolder).Save(keyName, appKey, nodePassphrase);
        var app = new RegisteredApp(clientId, settings.Name!, [.. settings.RedirectUris.Distinct()], keyName, appKey.Account.ToString(), DateTimeOffset.UtcNow);
        new RegisteredApps(custodialFolder).Add(app);

        session.Success($"registered the SMART app '{app.Name}' on the node in {settings.Data}");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]client_id[/]"), new Text(clientId));
        grid.AddRow(new Markup("[grey]Account[/]"), new Text($"{app.Account} (a service of the organisation; patients' grants name it)"));
        grid.AddRow(new Markup("[grey]Redirect URIs[/]"), new Text(string.Join(' ', app.RedirectUris)));
        grid.AddRow(new Markup("[grey]Discovery[/]"), new Text(new Uri(settings.NodeAddress, "fhir/.well-known/smart-configuration").ToString()));
        session.Out.Write(grid);
        return ExitCodes.Ok;
    }
}
