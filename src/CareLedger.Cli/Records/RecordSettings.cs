using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>Options of the commands that act on one record, signed by the caller's key.</summary>
public class RecordSettings : SignerSettings
{
    [CommandArgument(0, "<RECORD-ID>")]
    [Description("The record (32 hex characters), as 'record add' or 'record list' printed it")]
    public string Record { get; init; } = "";

    public override ValidationResult Validate()
    {
        var id = RecordIds.Check(Record, "record");
        return id.Successful ? base.Validate() : id;
    }
}
