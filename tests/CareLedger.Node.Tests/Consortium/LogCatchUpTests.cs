using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;
using CareLedger.Node.Consortium;
using CareLedger.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CareLedger.Node.Tests.Consortium;

/// <summary>
/// <see cref="LogCatchUp"/> on a real chain (SQLite, empty blocks) and the in-memory log: a read that would be refused
/// waits until the node has applied the log's last block, and gives up when the log cannot be asked, the node stays behind,
/// or the reader hangs up.
/// (The consortium suite's ReadAtALaggingNodeTests reads at a node held behind the grant, with real etcd and node processes.)
/// </summary>
public sealed class LogCatchUpTests : IAsyncLifetime
{
    private const long Time = 1_800_000_000_000;
    private readonly TempFolder _dir = new();
    private readonly SigningKey _validator = SigningKey.Generate();
    private readonly MemoryBlockLog _log = new();
    private SqliteLedgerStore _store = null!;
    private LedgerChain _chain = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteLedgerStore.OpenAsync(_dir.File("ledger.db"), default);
        var genesis = new GenesisDocument(new CborMap { ["chainId"] = "catch-up", ["time"] = Time, ["validators"] = new List<object> { _validator.PublicKey } });
        _chain = await LedgerChain.OpenAsync(_store, new BlockExecutor(new ContractRuntime("catch-up", [])), _validator, genesis, default);
    }

    /// <summary>A catch-up on this chain and log that waits at most <paramref name="patience"/>.</summary>
    private LogCatchUp CatchUp(TimeSpan patience)
    {
        var catchUp = new LogCatchUp(_log, patience, NullLogger<LogCatchUp>.Instance);
        catchUp.BeforeOrdering(_chain);
        return catchUp;
    }

    /// <summary>The log holds blocks up to <paramref name="height"/> (what another node acknowledged); this node has not applied them.</summary>
    private async Task LogReachesAsync(ulong height)
    {
        var fence = await _log.TryCampaignAsync(await _log.GrantLeaseAsync(60, default), new LeaderInfo("other", "http://other.invalid"), 1, default)
            ?? throw new InvalidOperationException("no leadership");
        for (var h = 1UL; h <= height; h++) Assert.True(await _log.TryAppendAsync(h, [1], fence, default));
    }

    private Task CommitEmptyBlockAsync() => _chain.CommitBatchAsync([], Time + 1_000 * (long)(_chain.Head.Height + 1), default);

    [Fact]
    public async Task ARead_WaitsUntilTheNodeHasAppliedTheLogsLastBlock_ThenGoesOn()
    {
        await LogReachesAsync(2);

        var waiting = CatchUp(TimeSpan.FromSeconds(30)).CatchUpAsync(default);
        await CommitEmptyBlockAsync();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted, "went on at height 1 while the log holds 2");

        await CommitEmptyBlockAsync();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2UL, _chain.Head.Height);
    }

    [Fact]
    public async Task ANodeAlreadyAtTheLogsLastBlock_GoesOnAtOnce()
    {
        await LogReachesAsync(1);
        await CommitEmptyBlockAsync();

        Assert.True(await CatchUp(TimeSpan.FromSeconds(30)).CatchUpAsync(default));
    }

    [Fact]
    public async Task ANodeStillBehindAfterItsPatience_AnswersFromWhatItHas()
    {
        await LogReachesAsync(3);
        var catchUp = CatchUp(TimeSpan.FromSeconds(1));
        var started = DateTimeOffset.UtcNow;

        Assert.False(await catchUp.CatchUpAsync(default));
        Assert.True(DateTimeOffset.UtcNow - started >= catchUp.Patience - TimeSpan.FromMilliseconds(50), "gave up before its patience ran out");
        Assert.Equal(0UL, _chain.Head.Height);
    }

    [Fact]
    public async Task ALogThatCannotBeAsked_LetsTheReadGoOnWithoutWaiting()
    {
        await LogReachesAsync(3);
        _log.Unavailable = true;

        Assert.False(await CatchUp(TimeSpan.FromSeconds(30)).CatchUpAsync(default).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(0UL, _chain.Head.Height);
    }

    [Fact]
    public async Task AReaderWhoHangsUp_StopsWaiting()
    {
        await LogReachesAsync(3);
        using var hangUp = new CancellationTokenSource();

        var waiting = CatchUp(TimeSpan.FromSeconds(30)).CatchUpAsync(hangUp.Token);
        await hangUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
