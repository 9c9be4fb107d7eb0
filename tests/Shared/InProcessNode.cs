using CareLedger.Ledger.Cryptography;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Storage;
using CareLedger.Node.Chain;
using CareLedger.Node.Hosting;
using CareLedger.Vault.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CareLedger.Testing;

/// <summary>The real node host (Kestrel on a loopback port chosen by the OS) inside the test process.</summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempFolder _data;

    private InProcessNode(WebApplication app, Uri address, TempFolder data, CapturedLogs logs)
    {
        Logs = logs;
        _app = app;
        _data = data;
        BaseAddress = address;
        Client = new NodeClient(address);
    }

    public Uri BaseAddress { get; }

    /// <summary>What the node logged at Warning and above.</summary>
    public CapturedLogs Logs { get; }
    public NodeClient Client { get; }
    public T Service<T>() where T : notnull => _app.Services.GetRequiredService<T>();
    public ILedgerStore Store => Service<ILedgerStore>();
    public LedgerChain Chain => Service<LedgerChain>();
    public GenesisDocument Genesis => Service<GenesisDocument>();
    public VaultStore Vault => Service<VaultStore>();
    public NodeKeys Keys => Service<NodeKeys>();
    /// <summary>Whom requests to this node are signed for (its chain and account).</summary>
    public RequestAudience Audience => Service<RequestAudience>();
    public LedgerReader Ledger => Service<LedgerReader>();
    public string DataDir => _data.Path;

    public static async Task<InProcessNode> StartAsync(params string[] extraArgs)
    {
        var data = new TempFolder();
        var args = new[] { "--urls", "http://127.0.0.1:0", "--data", data.Path, "--CareLedger:NodePassphrase=test-node-passphrase",
                           "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:CareLedger.Node.Auditors=Information" }.Concat(extraArgs).ToArray();
        var logs = new CapturedLogs();
        var app = await NodeHost.BuildAsync(args, builder => builder.Logging.AddProvider(logs));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var node = new InProcessNode(app, new Uri(address.TrimEnd('/') + "/"), data, logs);
        await node.WaitForDemoSeedAsync();
        return node;
    }

    /// <summary>Waits for /ready: ordering runs and the demo seed (licence, funds, published keys) is committed.</summary>
    private async Task WaitForDemoSeedAsync()
    {
        var orderer = _app.Services.GetRequiredService<OrdererService>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!orderer.Ready)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the node did not become ready");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Dispose();
    }
}
