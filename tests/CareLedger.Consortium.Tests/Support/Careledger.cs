using CareLedger.Cli;
using Spectre.Console;

namespace CareLedger.Consortium.Tests.Support;

/// <summary>Runs the <c>careledger</c> command in this process, as a user would from a shell, capturing what it prints.</summary>
public static class Careledger
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 400;
        var exitCode = await CliApp.RunAsync(args, new CliSession(console, console, null, canPrompt: false));
        return (exitCode, output.ToString());
    }
}
