using System.Text.RegularExpressions;
using CareLedger.Cli;
using Spectre.Console;

namespace CareLedger.Cli.Tests.Support;

/// <summary>What one run of the CLI printed and returned.</summary>
public sealed partial record CliResult(int ExitCode, string Output, string Errors)
{
    public IReadOnlyList<string> ErrorLines => Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The transaction id a receipt printed, after "Transaction".</summary>
    public string TxId => TxIdPattern().Match(Output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no transaction id in:\n{this}");

    /// <summary>The id a command printed after a label such as "Record" or "Grant".</summary>
    public string Id(string label) =>
        Regex.Match(Output, $@"{label}\s+([0-9a-f]{{32}})\b") is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no {label} id in:\n{this}");

    /// <summary>The lines of output that mention all of the given texts, e.g. one table row.</summary>
    public IReadOnlyList<string> LinesWith(params string[] texts) =>
        Output.Split('\n').Where(line => texts.All(t => line.Contains(t, StringComparison.Ordinal))).ToList();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";

    [GeneratedRegex(@"Transaction\s+([0-9a-f]{64})")]
    private static partial Regex TxIdPattern();
}

/// <summary>Runs the CLI in-process, as the real entry point does, with captured output and no terminal to prompt on.</summary>
public static class CliRunner
{
    /// <summary>A node address where nothing listens (port 1), so connecting is refused at once.</summary>
    public const string UnreachableNode = "http://127.0.0.1:1";

    public static async Task<CliResult> RunAsync(string? passphrase, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var session = new CliSession(Capture(output), Capture(errors), passphrase, canPrompt: false);
        var exitCode = await CliApp.RunAsync(args, session);
        return new CliResult(exitCode, output.ToString(), errors.ToString());
    }

    private static IAnsiConsole Capture(StringWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 400;
        return console;
    }
}
