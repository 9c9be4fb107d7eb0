using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Fhir;

/// <summary>
/// Removes a SMART app: the node refuses its authorization requests and its tokens from its next request (it re-reads
/// apps.json when it changes) and the node's copy of the app's key is deleted. Patients' grants to the app stay on the
/// ledger until they expire or are revoked, but nothing can use them any more.
/// </summary>
public sealed class FhirAppRemoveCommand(CliSession session) : Command<FhirAppRemoveCommand.Settings>
{
    public sealed class Settings : FhirAccessSettings
    {
        [CommandOption("--client-id <ID>")]
        [Description("The app's client_id (see fhir app list)")]
        public string? ClientId { get; init; }

        public override ValidationResult Validate() =>
            base.Validate() is { Successful: false } bad ? bad
            : string.IsNullOrWhiteSpace(ClientId) ? ValidationResult.Error("name the app with --client-id <ID> (see fhir app list)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken ct)
    {
        if (settings.Apps.Read().FirstOrDefault(a => a.ClientId == settings.ClientId) is not { } app)
            throw new CliException($"the node in {settings.Data} has no app with client_id '{settings.ClientId}' (see fhir app list)");
        settings.Apps.Remove(app.ClientId);
        settings.Custodial.Delete(app.KeyName);
        session.Success($"removed the SMART app '{app.Name}' ({app.ClientId}) and the node's copy of its key");
        return ExitCodes.Ok;
    }
}
