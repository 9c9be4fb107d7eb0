using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Fhir;

/// <summary>The SMART apps a node lets in. Needs no passphrase.</summary>
public sealed class FhirAppListCommand(CliSession session) : Command<FhirAccessSettings>
{
    public override int Execute(CommandContext context, FhirAccessSettings settings, CancellationToken ct)
    {
        var apps = settings.Apps.Read();
        if (apps.Count == 0)
        {
            session.Note($"the node in {settings.Data} has no SMART app registered");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("Name", "client_id", "Account", "Redirect URIs", "Added");
        foreach (var app in apps)
            table.AddRow(Markup.Escape(app.Name), app.ClientId, app.Account, Markup.Escape(string.Join(' ', app.RedirectUris)),
                app.Created.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        session.Out.Write(table);
        return ExitCodes.Ok;
    }
}
