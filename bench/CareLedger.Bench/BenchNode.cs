using CareLedger.Node.Chain;
using CareLedger.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CareLedger.Bench;

/// <summary>The real node host (Kestrel on a loopback port chosen by the OS) in this process, on a fresh data folder.</summary>
public sealed class BenchNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly BenchSchema? _schema;

    private BenchNode(WebApplication app, Uri address, string dataDir, BenchSchema? schema)
    {
        _app = app;
        _schema = schema;
        BaseAddress = address;
        DataDir = dataDir;
    }

    public Uri BaseAddress { get; }
    public string DataDir { get; }
    public BenchLedger Ledger => BenchLedger.From(_app.Services, DataDir);

    public static async Task<BenchNode> StartAsync(IEnumerable<string> nodeArgs)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "careledger-bench-" + Guid.NewGuid().ToString("N")[..12]);
        // A PostgreSQL store: each node gets a fresh schema of its own in that database, dropped afterwards.
        var schema = await BenchSchema.CreateAsync(nodeArgs);
        if (schema is not null) nodeArgs = [.. nodeArgs.Where(a => !a.StartsWith(BenchSchema.StoreArg, StringComparison.Ordinal)), BenchSchema.StoreArg + schema.ConnectionString];
        string[] args =
        [
            "--urls", "http://127.0.0.1:0", "--data", dataDir, "--CareLedger:NodePassphrase=bench-node-passphrase",
            "--CareLedger:PoolCapacity=200000", "--CareLedger:ReadsPerSecondPerAccount=1000000", "--CareLedger:ReadsPerSecondPerAddress=1000000", "--Logging:LogLevel:Default=Warning", .. nodeArgs,
        ];
        var app = await NodeHost.BuildAsync(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var node = new BenchNode(app, new Uri(address.TrimEnd('/') + "/"), dataDir, schema);
        await node.WaitForDemoSeedAsync();
        return node;
    }

    /// <summary>Waits until the node is ready, which is once the demo seed is committed: the demo admins' nonces are settled after it.</summary>
    private async Task WaitForDemoSeedAsync()
    {
        var orderer = _app.Services.GetRequiredService<OrdererService>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!orderer.Ready)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the demo seed did not commit within 30 s");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_schema is not null) await _schema.DropAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }
}
