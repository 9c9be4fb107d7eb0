using CareLedger.Cli;
using Spectre.Console;

namespace CareLedger.Consortium.Tests.Support;

/// <summary>Runs the <c>careledger</c> command in this process, as a user would from a shell, capturing what it prints.</summary>
public static class Careledger
{
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunWithPassphraseAsync(null, args);

    /// <summary>Runs it as someone who types <paramref name="passphrase"/> for the keystore keys the command unlocks (CARELEDGER_PASSPHRASE).</summary>
    public static async Task<(int ExitCode, string Output)> RunWithPassphraseAsync(string? passphrase, params string[] args)
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 400;
        var exitCode = await CliApp.RunAsync(args, new CliSession(console, console, passphrase, canPrompt: false));
        return (exitCode, output.ToString());
    }
}
