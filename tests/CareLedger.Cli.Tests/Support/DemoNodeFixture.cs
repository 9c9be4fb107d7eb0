using CareLedger.Testing;

namespace CareLedger.Cli.Tests.Support;

/// <summary>One demo node (in-process, real Kestrel on a loopback port) shared by the tests that talk to a node.</summary>
public sealed class DemoNodeFixture : IAsyncLifetime
{
    public const string Passphrase = "demo";
    private InProcessNode? _node;

    public InProcessNode Node => _node ?? throw new InvalidOperationException("the node has not started");
    public string Keystore => Path.Combine(Node.DataDir, "demo-keys");
    public string GenesisFile => Path.Combine(Node.DataDir, "genesis.json");

    /// <summary>Starts the node; it is ready once the demo seed (licence, funds, published keys) is committed.</summary>
    public async Task InitializeAsync() => _node = await InProcessNode.StartAsync();

    public async Task DisposeAsync()
    {
        if (_node is not null) await _node.DisposeAsync();
    }

    /// <summary>Runs a command against this node.</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(Passphrase, [.. args, "--node", Node.BaseAddress.ToString()]);

    /// <summary>Runs a command against this node that names keys of the demo keystore.</summary>
    public Task<CliResult> RunWithKeysAsync(params string[] args) => RunAsync([.. args, "--keystore", Keystore]);

    /// <summary>A proof file at <paramref name="path"/> for a fresh transfer, fetched with 'proof get' by its sender (a proof is theirs, not anyone's).</summary>
    public async Task<string> ProofFileAsync(string path)
    {
        var sent = await RunWithKeysAsync("tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", "1", "--key", "patient-jones");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        var fetched = await RunWithKeysAsync("proof", "get", sent.TxId, "--out", path, "--as", "patient-jones");
        Assert.True(fetched.ExitCode == 0, fetched.ToString());
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class DemoNodeCollection : ICollectionFixture<DemoNodeFixture>
{
    public const string Name = "demo node";
}
