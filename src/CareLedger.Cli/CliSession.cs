using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace CareLedger.Cli;

/// <summary>
/// One run of the CLI: where output and error lines go, and where a key's passphrase comes from
/// (CARELEDGER_PASSPHRASE, else a secret prompt on the terminal). A passphrase is never echoed or printed.
/// </summary>
public sealed class CliSession(IAnsiConsole output, IAnsiConsole errors, string? passphrase, bool canPrompt)
{
    public const string PassphraseVariable = "CARELEDGER_PASSPHRASE";
    // Relaxed escaping: JSON output is read by people and tools, never embedded in HTML.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static CliSession ForProcess() => new(
        AnsiConsole.Console,
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }),
        Environment.GetEnvironmentVariable(PassphraseVariable),
        canPrompt: !Console.IsInputRedirected);

    public IAnsiConsole Out => output;

    /// <summary>
    /// The keystore key this run reads as, once a command connected with <see cref="AccountSettings.ConnectAs"/> ("" when it
    /// reads anonymously; null when it did not connect that way): a refusal then says whom the node refused.
    /// </summary>
    public string? ReadingAs { get; set; }

    /// <summary>The passphrase that unlocks an existing key.</summary>
    public string PassphraseFor(string keyName) =>
        string.IsNullOrEmpty(passphrase) ? Prompt($"Passphrase for key [bold]{Markup.Escape(keyName)}[/]:", keyName) : passphrase;

    /// <summary>The passphrase for a key about to be created, typed twice when prompted.</summary>
    public string NewPassphraseFor(string keyName)
    {
        if (!string.IsNullOrEmpty(passphrase)) return passphrase;
        var first = Prompt($"New passphrase for key [bold]{Markup.Escape(keyName)}[/]:", keyName);
        var again = Prompt("Type it again:", keyName);
        return first == again ? first : throw new CliException("the two passphrases differ; no key was created");
    }

    /// <summary>Asks for a secret that is not a key's passphrase (e.g. the node passphrase); only where a terminal can prompt.</summary>
    public string Secret(string question) =>
        canPrompt ? errors.Prompt(new TextPrompt<string>(question).Secret(null)) : throw new CliException("a secret is needed and there is no terminal to ask in");

    // Prompts go to stderr, so a command's output can be piped while it asks.
    private string Prompt(string question, string keyName)
    {
        if (!canPrompt) throw new CliException($"key '{keyName}' needs its passphrase: set {PassphraseVariable} or run in an interactive terminal");
        return errors.Prompt(new TextPrompt<string>(question).Secret(null));
    }

    /// <summary>Whether a question can be put to someone at a terminal.</summary>
    public bool CanPrompt => canPrompt;

    /// <summary>Asks a yes/no question on the terminal (on stderr); false unless the answer is yes.</summary>
    public bool Confirm(string question) => canPrompt && errors.Confirm(question, defaultValue: false);

    public void Success(string text) => output.Write(new OneLine($"✓ {text}", new Style(Color.Green)));

    public void Warning(string text) => errors.Write(new OneLine($"! {text}", new Style(Color.Yellow)));

    /// <summary>A line about the output rather than part of it, on stderr, so that stdout stays pipeable.</summary>
    public void Note(string text) => errors.Write(new OneLine(text, new Style(Color.Grey)));

    /// <summary>Reports a failure as one red line on stderr and returns the exit code for it.</summary>
    public int Fail(Exception e)
    {
        var (message, exitCode) = Failures.Describe(e, ReadingAs);
        errors.Write(new OneLine($"✗ {Failures.OneLine(message)}", new Style(Color.Red)));
        return exitCode;
    }

    /// <summary>Machine-readable output, written unwrapped so it can be piped into a file or jq.</summary>
    public void WriteJson<T>(T value) => WriteRaw(JsonSerializer.Serialize(value, Json));

    public void WriteRaw(string text) => output.Profile.Out.Writer.WriteLine(text);

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);
}
