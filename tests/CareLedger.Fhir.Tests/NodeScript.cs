using System.Diagnostics;
using System.Text.Json;
using CareLedger.Testing;

namespace CareLedger.Fhir.Tests;

/// <summary>Runs a script of tests/fhir-js (fhir-kit-client, installed by .ci/run with npm ci) with Node.js and parses the JSON it prints.</summary>
internal static class NodeScript
{
    public static readonly string Folder = Path.Combine(NodeProcess.RepoRoot, "tests", "fhir-js");

    public static async Task<JsonDocument> RunAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        Assert.True(File.Exists(Path.Combine(Folder, "node_modules", "fhir-kit-client", "package.json")),
            $"fhir-kit-client is not installed: run 'npm ci' in {Folder} (.ci/run does)");
        var psi = new ProcessStartInfo("node", [script]) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish in 2 minutes: {await stderr}");
        }
        Assert.True(process.ExitCode == 0, $"node {script} exited with {process.ExitCode}: {await stderr}{await stdout}");
        return JsonDocument.Parse(await stdout);
    }
}
