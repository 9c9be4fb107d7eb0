using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>Adds a FHIR resource as a new record of a patient, encrypted on this machine before it leaves.</summary>
public sealed class RecordAddCommand(CliSession session) : AsyncCommand<RecordAddCommand.Settings>
{
    public sealed class Settings : SignerSettings
    {
        [CommandOption("--patient <ACCOUNT>", isRequired: true)]
        [Description("Whose record: an account id or a key name in the keystore")]
        public string Patient { get; init; } = "";

        [CommandOption("--file <FILE>", isRequired: true)]
        [Description("The FHIR R4 resource as JSON (Observation, Condition, AllergyIntolerance, ...)")]
        public string File { get; init; } = "";

        [CommandOption("--no-emergency-access")]
        [Description("Leave no emergency copy of the key with the patient's organisation's node: nobody can break the glass")]
        public bool NoEmergencyAccess { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        var resource = FhirFile.Read(settings.File);
        var patient = settings.ResolveAccount(settings.Patient);
        using var key = settings.LoadKey(session);
        using var http = settings.Connect();
        var added = await new RecordsClient(new NodeClient(http)).AddAsync(key, patient, resource.Json, !settings.NoEmergencyAccess, ct);

        session.Success($"{resource.Type} record added for {settings.Patient}, encrypted before it left this machine");
        var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
        grid.AddRow(new Markup("[grey]Record[/]"), new Text(added.Record));
        grid.AddRow(new Markup("[grey]Transaction[/]"), new Text(added.TxId));
        grid.AddRow(new Markup("[grey]Emergency access[/]"), new Text(settings.NoEmergencyAccess ? "no: nobody can break the glass"
            : added.EmergencyHolders.Count == 0 ? "no: the patient's organisation runs no node to hold an emergency copy, so nobody can break the glass"
            : "yes: a licensed practitioner may break the glass at the organisation's node, openly logged"));
        session.Out.Write(grid);
        return ExitCodes.Ok;
    }
}
