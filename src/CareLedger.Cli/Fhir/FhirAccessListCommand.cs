using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Fhir;

/// <summary>The keys a node holds for practitioners and how many live tokens each has. Needs no passphrase.</summary>
public sealed class FhirAccessListCommand(CliSession session) : Command<FhirAccessSettings>
{
    public override int Execute(CommandContext context, FhirAccessSettings settings, CancellationToken ct)
    {
        var tokens = settings.Tokens.Read().Values.CountBy(name => name).ToDictionary();
        var keys = settings.Custodial.List();
        if (keys.Count == 0)
        {
            session.Note($"the node in {settings.Data} holds no practitioner's key: no one has FHIR access through it");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("Name", "Account", "Tokens", "Added");
        foreach (var key in keys)
            table.AddRow(Markup.Escape(key.Name), key.Account.ToString(), tokens.GetValueOrDefault(key.Name).ToString(System.Globalization.CultureInfo.InvariantCulture),
                key.Created.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
        session.Out.Write(table);
        return ExitCodes.Ok;
    }
}
