namespace CareLedger.Cli;

/// <summary>A failure the user can act on: its message is the one line they see.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>What the process exit code tells a script.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command could not do its work: bad input, a refusal, an unreachable node.</summary>
    public const int Failed = 1;
    /// <summary>The command worked and found something not to hold: a broken chain, a bad proof, no valid licence.</summary>
    public const int Invalid = 2;
    /// <summary>The node answered that it has halted (diverged or damaged store) and needs an operator.</summary>
    public const int Halted = 3;
    public const int Cancelled = 130;
}
