using Spectre.Console;

namespace CareLedger.Cli.Records;

/// <summary>Record and grant ids: 32 lowercase hex characters, checked before they go into a signed request's path.</summary>
public static class RecordIds
{
    public static bool IsValid(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    public static ValidationResult Check(string id, string what) =>
        IsValid(id) ? ValidationResult.Success() : ValidationResult.Error($"'{id}' is not a {what} id (32 lowercase hex characters)");
}
