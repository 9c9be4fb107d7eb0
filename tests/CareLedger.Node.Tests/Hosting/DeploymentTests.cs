using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using CareLedger.Node.Chain;
using CareLedger.Node.Consortium;
using CareLedger.Node.Hosting;
using CareLedger.Node.Live;
using CareLedger.Node.Notifications;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Hosting;

/// <summary>
/// The files under deploy/: systemd accepts the units as they are, the node unit passes only options and settings the
/// node has, and a secret handed over as a systemd credential is what the node uses.
/// </summary>
public sealed partial class DeploymentTests
{
    private static string Deploy => Path.Combine(NodeProcess.RepoRoot, "deploy");
    private static string NodeUnit => File.ReadAllText(Path.Combine(Deploy, "systemd", "careledger-node.service"));

    public static TheoryData<string> Units() => [.. Directory.GetFiles(Path.Combine(Deploy, "systemd")).Select(f => Path.GetFileName(f)).Order()];

    /// <summary>A test that needs systemd-analyze, skipped with that reason where it is missing.</summary>
    public sealed class SystemdTheoryAttribute : TheoryAttribute
    {
        public SystemdTheoryAttribute()
        {
            if (!File.Exists("/usr/bin/systemd-analyze")) Skip = "systemd-analyze is not installed (apt-get install systemd)";
        }
    }

    [SystemdTheory]
    [MemberData(nameof(Units))]
    public void SystemdUnit_VerifiedBySystemdAnalyze_HasNoErrorOrWarning(string unit)
    {
        var psi = new ProcessStartInfo("/usr/bin/systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "verify", "--man=no", Path.Combine(Deploy, "systemd", unit) }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.True(process.ExitCode == 0 && output.Trim().Length == 0, $"systemd-analyze verify {unit}: exit {process.ExitCode}\n{output}");
    }

    [Fact]
    public void NodeUnit_EveryOptionItPasses_IsOneTheNodeAccepts()
    {
        var options = OptionPattern().Matches(ExecStart(NodeUnit)).Select(m => m.Value).ToList();

        Assert.NotEmpty(options);
        Assert.All(options, o => Assert.Contains(o, NodeHost.CommandLineSwitches));
    }

    [Fact]
    public void NodeUnitAndEnvironment_EverySettingTheyName_IsASettingOfTheNode()
    {
        var credentials = CredentialPattern().Matches(NodeUnit).Select(m => m.Groups[1].Value);
        var environment = File.ReadAllLines(Path.Combine(Deploy, "etc", "node.env"))
            .Select(l => l.TrimStart('#')).Where(l => l.StartsWith("CareLedger__", StringComparison.Ordinal)).Select(l => l.Split('=')[0]);
        var settings = credentials.Concat(environment).ToList();

        Assert.Contains("CareLedger__NodePassphrase", settings);
        Assert.Contains("CareLedger__Consortium__EtcdPassword", settings);
        Assert.All(settings, s => Assert.True(IsSetting(s), $"{s} names no setting of the node"));
    }

    [Fact]
    public async Task Node_PassphraseAsASystemdCredential_UnlocksTheValidatorKeyWithNothingInTheEnvironment()
    {
        using var data = new TempFolder();
        using var credentials = new TempFolder();
        string? validator;
        using (var first = new NodeProcess(data.Path)) // its validator key is sealed under "test-node-passphrase"
        {
            await first.StartAsync();
            validator = (await first.Client.GetChainAsync()).NodeKey;
        }
        using var wrong = new NodeProcess(data.Path) { Environment = { ["CARELEDGER_NODE_PASSPHRASE"] = "not-the-passphrase" } };
        await Assert.ThrowsAsync<InvalidOperationException>(() => wrong.StartAsync());
        await File.WriteAllTextAsync(credentials.File("CareLedger__NodePassphrase"), "test-node-passphrase\n");

        using var node = new NodeProcess(data.Path)
        {
            Environment = { ["CARELEDGER_NODE_PASSPHRASE"] = "not-the-passphrase", ["CREDENTIALS_DIRECTORY"] = credentials.Path },
        };
        await node.StartAsync();

        Assert.Contains("wrong passphrase for key 'validator'", wrong.Output);
        Assert.NotNull(validator);
        Assert.Equal(validator, (await node.Client.GetChainAsync()).NodeKey);
        Assert.DoesNotContain("test-node-passphrase", node.Output);
    }

    /// <summary>Whether CareLedger__Section__Name (array indices allowed) names a property of one of the node's option classes.</summary>
    private static bool IsSetting(string name)
    {
        var parts = name.Split("__").Where(p => !p.All(char.IsDigit)).ToArray();
        var section = string.Join(':', parts[..^1]);
        Type? type = section switch
        {
            NodeOptions.Section => typeof(NodeOptions),
            ConsortiumOptions.Section => typeof(ConsortiumOptions),
            TurnOptions.Section => typeof(TurnOptions),
            MailOptions.Section => typeof(MailOptions),
            NodeTelemetry.Section => typeof(NodeTelemetry.Options),
            _ => null,
        };
        return type?.GetProperty(parts[^1], BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true };
    }

    private static string ExecStart(string unit) =>
        ExecStartPattern().Match(unit.Replace("\\\n", " ", StringComparison.Ordinal)) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no ExecStart");

    [GeneratedRegex(@"^ExecStart=(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExecStartPattern();

    [GeneratedRegex(@"(?<=\s)--[a-z][a-z-]*")]
    private static partial Regex OptionPattern();

    [GeneratedRegex(@"^#?LoadCredential=(CareLedger__[A-Za-z_]+):", RegexOptions.Multiline)]
    private static partial Regex CredentialPattern();
}
