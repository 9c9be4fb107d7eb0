using CareLedger.Node.Demo;
using CareLedger.Node.Hosting;

// `init-consortium <folder> [nodes]` prepares a demo consortium (one folder per node); anything else runs a node.
if (args is ["init-consortium", var folder, ..])
{
    var passphrase = Environment.GetEnvironmentVariable("CARELEDGER_NODE_PASSPHRASE");
    if (string.IsNullOrEmpty(passphrase))
    {
        Console.Error.WriteLine("error: set CARELEDGER_NODE_PASSPHRASE; it protects the nodes' validator keys at rest");
        return 2;
    }
    var count = args.Length > 2 && int.TryParse(args[2], out var n) ? n : 3;
    if (count is < 1 or > 7)
    {
        Console.Error.WriteLine("error: a demo consortium has 1 to 7 nodes");
        return 2;
    }
    var dirs = Enumerable.Range(1, count).Select(i => Path.GetFullPath(Path.Combine(folder, $"node{i}"))).ToList();
    try
    {
        DemoConsortium.CreateConsortium(dirs, passphrase, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
    catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
    Console.WriteLine($"Demo consortium of {count} nodes prepared in {Path.GetFullPath(folder)}");
    return 0;
}

// Whatever stops the node from starting (no passphrase, no genesis, a store it cannot read, bad settings)
// is the operator's to fix: one line saying what, not a stack trace.
WebApplication app;
try
{
    app = await NodeHost.BuildAsync(args);
    await app.StartAsync();
}
catch (Exception e) when (e is InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException or IOException or UnauthorizedAccessException
                           or CareLedger.Ledger.Cryptography.KeyStoreException)
{
    Console.Error.WriteLine($"error: the node cannot start: {e.Message}");
    return 1;
}
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return Environment.ExitCode;
