using System.Security.Cryptography;
using CareLedger.Cli.Tests.Support;

namespace CareLedger.Cli.Tests;

[Collection(DemoNodeCollection.Name)]
public sealed class LiveChainVerifyTests(DemoNodeFixture node)
{
    [Fact]
    public async Task ChainVerify_Node_ReplaysEveryBlock()
    {
        // Raw blocks are for the consortium's nodes and auditors: replay as the demo's auditor.
        var result = await node.RunWithKeysAsync("chain", "verify", "--as", "health-auditor");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("chain careledger-demo verified from its genesis", result.Output);
    }

    [Fact]
    public async Task ChainVerify_NodeAsAPatient_IsRefusedInOneLine()
    {
        var result = await node.RunWithKeysAsync("chain", "verify", "--as", "patient-jones");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("✗ access refused to patient-jones:", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ChainVerify_DataOfRunningNode_PassesAndChecksTheState()
    {
        var result = await CliRunner.RunAsync(null, "chain", "verify", "--data", node.Node.DataDir);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("matches the replay", result.Output);
    }
}

// In the demo node's collection so that its node process picks a free port only once the in-process node holds its own.
[Collection(DemoNodeCollection.Name)]
public sealed class TamperedChainVerifyTests(StoppedChainFixture chain) : IClassFixture<StoppedChainFixture>
{
    private static Task<CliResult> VerifyAsync(string dataDir) => CliRunner.RunAsync(null, "chain", "verify", "--data", dataDir);

    [Fact]
    public async Task ChainVerify_IntactStoppedChain_PassesWithoutChangingTheDatabase()
    {
        using var copy = chain.Copy();
        var before = SHA256.HashData(File.ReadAllBytes(copy.File("ledger.db")));
        var blocks = StoppedChainFixture.Query<long>(copy.Path, "SELECT COUNT(*) FROM blocks");

        var result = await VerifyAsync(copy.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"verified from its genesis: {blocks} blocks", result.Output);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(copy.File("ledger.db"))));
    }

    [Theory]
    [InlineData(1, 0.5)]
    [InlineData(2, 0.1)]
    [InlineData(3, 0.99)]
    public async Task ChainVerify_FlippedByteInStoredBlockBody_NamesThatBlock(long height, double where)
    {
        using var copy = chain.Copy();
        var body = StoppedChainFixture.Query<byte[]>(copy.Path, "SELECT body FROM blocks WHERE height = $h", ("$h", height));
        body[(int)(body.Length * where)] ^= 0x01;
        StoppedChainFixture.Execute(copy.Path, "UPDATE blocks SET body = $b WHERE height = $h", ("$b", body), ("$h", height));

        var result = await VerifyAsync(copy.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"✗ block {height} fails verification:", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ChainVerify_GenesisThatNoContractCanStartFrom_NamesBlock0()
    {
        using var copy = chain.Copy();
        var body = StoppedChainFixture.Query<byte[]>(copy.Path, "SELECT body FROM blocks WHERE height = 0");
        var at = body.AsSpan().IndexOf("issuer"u8);
        body[at + 5] = (byte)'x';
        StoppedChainFixture.Execute(copy.Path, "UPDATE blocks SET body = $b WHERE height = 0", ("$b", body));

        var result = await VerifyAsync(copy.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("✗ block 0 fails verification: genesis: 'issuer' is missing", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ChainVerify_HeaderTimeBeyondRange_NamesThatBlock()
    {
        using var copy = chain.Copy();
        var header = StoppedChainFixture.Query<byte[]>(copy.Path, "SELECT header FROM blocks WHERE height = 2");
        // [height, 3 hashes, time, proposer]: the time's first byte follows 1 + 1 + 3 x 34 + 1 bytes; its top bit makes it exceed a signed 64-bit time.
        header[105] ^= 0x80;
        StoppedChainFixture.Execute(copy.Path, "UPDATE blocks SET header = $h WHERE height = 2", ("$h", header));

        var result = await VerifyAsync(copy.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("✗ block 2 fails verification: damaged block:", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task ChainVerify_AlteredStoredBalance_ReportsTheStateKey()
    {
        using var copy = chain.Copy();
        StoppedChainFixture.Execute(copy.Path, "UPDATE state SET value = $v WHERE key LIKE 'tokens/balance/CARE/%'", ("$v", new byte[] { 0xA1, 0x66, 0x61, 0x6D, 0x6F, 0x75, 0x6E, 0x74, 0x19, 0x27, 0x10 }));

        var result = await VerifyAsync(copy.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("the stored state disagrees with the replayed chain", Assert.Single(result.ErrorLines));
        Assert.Contains("tokens/balance/CARE/", result.Errors);
    }

    [Fact]
    public async Task ChainVerify_NoLedgerInFolder_FailsWithOneLine()
    {
        using var empty = new CareLedger.Testing.TempFolder();

        var result = await VerifyAsync(empty.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no ledger at", Assert.Single(result.ErrorLines));
        Assert.False(File.Exists(empty.File("ledger.db")));
    }
}
