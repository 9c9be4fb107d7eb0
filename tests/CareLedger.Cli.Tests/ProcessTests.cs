using System.Diagnostics;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>The real executable: exit codes, stderr, and no stack trace when things go wrong.</summary>
public sealed class ProcessTests
{
    private static string CliDll => Path.Combine(NodeProcess.RepoRoot, "src", "CareLedger.Cli", "bin", NodeProcess.Configuration, "net10.0", "careledger.dll");

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("CARELEDGER_PASSPHRASE");
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task Careledger_NodeUnreachable_PrintsOneLineOnStderrAndExits1()
    {
        var (exitCode, output, errors) = await RunAsync("tx", "status", new string('0', 64), "--node", CliRunner.UnreachableNode);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("cannot reach the node", Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Careledger_StdinRedirectedAndNoPassphrase_FailsWithOneLine()
    {
        using var keystore = new TempFolder();

        var (exitCode, _, errors) = await RunAsync("keys", "new", "someone", "--keystore", keystore.Path);

        Assert.Equal(1, exitCode);
        Assert.Contains("set CARELEDGER_PASSPHRASE", Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(Directory.GetFiles(keystore.Path));
    }
}
