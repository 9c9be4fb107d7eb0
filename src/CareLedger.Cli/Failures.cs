using CareLedger.Vault.Records;
using System.Net;
using System.Text.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using Microsoft.Data.Sqlite;
using Spectre.Console.Cli;

namespace CareLedger.Cli;

/// <summary>Turns whatever stopped a command into the one line the user reads and the exit code a script sees.</summary>
public static class Failures
{
    public static (string Message, int ExitCode) Describe(Exception e, string? readingAs = null) => e switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        RecordException record => (record.Message, ExitCodes.Failed),
        ContractActionException refused => (refused.Message, ExitCodes.Failed),
        // The node tells a read about a person only to those it concerns (ADR 0011): say who was refused and how to read as someone else.
        NodeApiException { Status: HttpStatusCode.Unauthorized } unsigned =>
            ($"not signed: {Reason(unsigned)}; read with --as <KEY>, the keystore key of someone who may see it", ExitCodes.Failed),
        NodeApiException { Status: HttpStatusCode.Forbidden } refusal => readingAs is { Length: > 0 }
            ? ($"access refused to {readingAs}: {Reason(refusal)}; read with --as <KEY> as someone who may see it", ExitCodes.Failed)
            : ($"access refused: {Reason(refusal)}", ExitCodes.Failed),
        NodeApiException node => (node.Message, ExitCodes.Failed),
        HttpRequestException http => ($"cannot reach the node ({http.Message}); is it running? Point to it with --node or CARELEDGER_NODE", ExitCodes.Failed),
        TaskCanceledException { InnerException: TimeoutException } => ("the node did not answer in time", ExitCodes.Failed),
        OperationCanceledException => ("cancelled", ExitCodes.Cancelled),
        SqliteException sql => ($"cannot read the ledger database: {sql.Message}", ExitCodes.Failed),
        JsonException or NotSupportedException => ($"the answer is not what a CareLedger node sends ({e.Message}); is --node right?", ExitCodes.Failed),
        KeyStoreException or FormatException or CborMapException or IOException or UnauthorizedAccessException or CommandAppException
            => (e.Message, ExitCodes.Failed),
        _ => ($"unexpected {e.GetType().Name}: {e.Message}", ExitCodes.Failed),
    };

    // The node's reason, without its advice to sign (the CLI signs with --as) and without a closing full stop.
    private static string Reason(NodeApiException e)
    {
        var reason = (e.Detail ?? e.Title)
            .Replace("This request must be signed (CareLedger-Signature header).", "", StringComparison.Ordinal)
            .Replace("Sign the request with your key (CareLedger-Signature header).", "", StringComparison.Ordinal)
            .Replace(": sign the request with your key", "", StringComparison.Ordinal)
            .Trim().TrimEnd('.').Trim();
        return reason.Length > 0 ? reason : "the node answers this only to signed callers";
    }

    /// <summary>Folds a message onto one line, so a log or a script reading stderr sees exactly one.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
