using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>The record commands: record publish-key, add, update, get, list, history, erase; and access-log.</summary>
public static class RecordsCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("record", record =>
        {
            record.SetDescription("Patient records: FHIR resources encrypted on this machine, readable under the patient's consent");
            record.AddCommand<RecordPublishKeyCommand>("publish-key").WithDescription("Publish your key, so that patients can share records with you")
                .WithExample("record", "publish-key", "--key", "dr-lee");
            record.AddCommand<RecordAddCommand>("add").WithDescription("Add a FHIR resource as a new record of a patient")
                .WithExample("record", "add", "--patient", "patient-jones", "--file", "observation.json", "--key", "patient-jones");
            record.AddCommand<RecordUpdateCommand>("update").WithDescription("Add a new version of a record")
                .WithExample("record", "update", "<record-id>", "--file", "observation.json", "--key", "patient-jones");
            record.AddCommand<RecordGetCommand>("get").WithDescription("Read and decrypt a record (every read is logged for the patient)")
                .WithExample("record", "get", "<record-id>", "--out", "observation.json", "--key", "dr-rivera")
                .WithExample("record", "get", "<record-id>", "--break-glass", "\"unconscious in the emergency room\"", "--key", "dr-rivera");
            record.AddCommand<RecordListCommand>("list").WithDescription("List a patient's records that you may read");
            record.AddCommand<RecordHistoryCommand>("history").WithDescription("Show a record's versions");
            record.AddCommand<RecordEraseCommand>("erase").WithDescription("Erase a record on every node for good (the patient only)");
        });
        config.AddCommand<AccessLogCommand>("access-log").WithDescription("Who read your records, when and why, as logged on the ledger")
            .WithExample("access-log", "--key", "patient-jones", "--proofs", "receipts");
    }
}
