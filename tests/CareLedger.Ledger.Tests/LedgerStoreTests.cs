using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Storage;

namespace CareLedger.Ledger.Tests;

/// <summary>
/// What every <see cref="ILedgerStore"/> guarantees, run against SQLite and PostgreSQL alike: the protocol-version
/// stamp and refusal, a reopened store at the same head and state, the read-only snapshot the CLI reads a running
/// node through, where cancellation stops an append, and state scans in ordinal (UTF-8 byte) key order.
/// </summary>
public abstract class LedgerStoreTests : IDisposable
{
    private readonly SigningKey _validator = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();
    private ulong _nonce;

    protected abstract Task<ILedgerStore> OpenAsync();
    protected abstract Task<ILedgerStore> OpenReadOnlyAsync();

    /// <summary>Sets the stored protocol version; null removes the stamp, as a store written before stamps holds none.</summary>
    protected abstract Task SetVersionAsync(int? version);
    protected abstract Task<int?> StoredVersionAsync();

    /// <summary>A digest of everything the store holds, to show that something wrote nothing.</summary>
    protected abstract Task<string> FingerprintAsync();

    protected Task<LedgerChain> OpenChainAsync(ILedgerStore store) =>
        LedgerChain.OpenAsync(store, new BlockExecutor(TestChain.Runtime()), _validator, TestChain.Genesis(_validator), default);

    /// <summary>One block that overwrites "notes/shared" and adds a key of its own.</summary>
    protected Task<Block> CommitAsync(LedgerChain chain, long value) =>
        chain.CommitBatchAsync([TestChain.Put(_alice, ++_nonce, "shared", value), TestChain.Put(_alice, ++_nonce, $"only-{value}", value)],
            TestChain.Time + (long)_nonce, default);

    private static long? Value(ILedgerStore store, string key) => store.Get("notes/" + key) is { } v ? CborMap.Decode(v).GetInt("v") : null;

    private static List<(string, string)> Entries(ILedgerStore store) => [.. store.Scan("").Select(e => (e.Key, Convert.ToHexString(e.Value)))];

    [Fact]
    public async Task OpenAsync_StoreWrittenBeforeTheVersionStamp_IsRefusedNamingBothVersions()
    {
        using (var node = await OpenAsync()) await CommitAsync(await OpenChainAsync(node), 1);
        await SetVersionAsync(null);

        var refused = await Assert.ThrowsAsync<LedgerFormatException>(OpenAsync);
        var refusedReadOnly = await Assert.ThrowsAsync<LedgerFormatException>(OpenReadOnlyAsync);

        Assert.Contains("protocol version 1", refused.Message);
        Assert.Contains($"version {SqliteLedgerStore.ProtocolVersion}", refused.Message);
        Assert.Equal(refused.Message, refusedReadOnly.Message);
    }

    [Fact]
    public async Task OpenAsync_StoreStampedByTheVersionBefore_IsRefusedNamingBothVersions()
    {
        using (var node = await OpenAsync()) await CommitAsync(await OpenChainAsync(node), 1);
        await SetVersionAsync(SqliteLedgerStore.ProtocolVersion - 1);

        var refused = await Assert.ThrowsAsync<LedgerFormatException>(OpenAsync);

        Assert.Contains($"protocol version {SqliteLedgerStore.ProtocolVersion - 1}", refused.Message);
    }

    [Fact]
    public async Task OpenAsync_Reopened_IsStampedAndHasTheSameHeadBlocksAndState()
    {
        List<(string, string)> before;
        Hash256 head;
        using (var node = await OpenAsync())
        {
            var chain = await OpenChainAsync(node);
            await CommitAsync(chain, 1);
            head = (await CommitAsync(chain, 2)).Hash;
            before = Entries(node);
        }

        using var again = await OpenAsync();

        Assert.Equal(2UL, again.Head!.Height);
        Assert.Equal(head, again.Head.Hash());
        Assert.Equal(before, Entries(again));
        Assert.Equal(2L, Value(again, "shared"));
        Assert.Equal(SqliteLedgerStore.ProtocolVersion, await StoredVersionAsync());
        var replayed = await TestChain.Checker().ReplayAsync(again.ReadBlocksAsync());
        Assert.True(replayed.Valid, replayed.Reason);
        Assert.Equal(again.Head.StateRoot, replayed.StateRoot);
    }

    [Fact]
    public async Task OpenReadOnlyAsync_NodeAppendsAfterOpening_BlocksAndStateStayAtTheSnapshot()
    {
        using var node = await OpenAsync();
        var chain = await OpenChainAsync(node);
        await CommitAsync(chain, 1);
        await CommitAsync(chain, 2);

        using var snapshot = await OpenReadOnlyAsync();
        await using var blocks = snapshot.ReadBlocksAsync().GetAsyncEnumerator();
        Assert.True(await blocks.MoveNextAsync());
        var later = await CommitAsync(chain, 3);
        var rest = new List<ulong>();
        while (await blocks.MoveNextAsync())
        {
            rest.Add(blocks.Current.Height);
            // Reading the store between blocks, as `store migrate` and `chain verify` do, must not wait on the enumeration.
            Assert.Equal(blocks.Current.Height, (await snapshot.GetBlockAsync(blocks.Current.Height, default))!.Height);
        }
        await blocks.DisposeAsync();

        Assert.Equal(3UL, node.Head!.Height);
        Assert.Equal(3L, Value(node, "shared"));
        Assert.Equal(2UL, snapshot.Head!.Height);
        Assert.Equal([1UL, 2UL], rest);
        Assert.Null(await snapshot.GetBlockAsync(3, default));
        Assert.Null(await snapshot.FindTransactionAsync(later.Transactions[0].Id, default));
        Assert.Equal(2L, Value(snapshot, "shared"));
        Assert.Null(Value(snapshot, "only-3"));
        var replayed = await TestChain.Checker().ReplayAsync(snapshot.ReadBlocksAsync());
        Assert.True(replayed.Valid, replayed.Reason);
        Assert.Equal(snapshot.Head.StateRoot, replayed.StateRoot);
        Assert.Equal(replayed.State!.All().Select(e => (e.Key, Convert.ToHexString(e.Value))), Entries(snapshot));
    }

    [Fact]
    public async Task OpenReadOnlyAsync_AppendOrAddSignatures_IsRefusedAndTheStoreIsUnchanged()
    {
        Proposal next;
        Block stored;
        using (var node = await OpenAsync())
        {
            var chain = await OpenChainAsync(node);
            stored = await CommitAsync(chain, 1);
            next = chain.Propose([TestChain.Put(_alice, ++_nonce, "shared", 2)], TestChain.Time + 10_000);
        }
        var before = await FingerprintAsync();
        using var other = SigningKey.Generate();

        using (var snapshot = await OpenReadOnlyAsync())
        {
            var append = await Assert.ThrowsAsync<InvalidOperationException>(() => snapshot.AppendAsync(next.Block, next.Executed.Writes, default));
            await Assert.ThrowsAsync<InvalidOperationException>(() => snapshot.AddSignaturesAsync(1, [new BlockSignature(other.PublicKey, other.Sign(stored.Hash))], default));
            Assert.Contains("read-only", append.Message);
            Assert.Equal(1UL, snapshot.Head!.Height);
        }

        Assert.Equal(before, await FingerprintAsync());
        using var reopened = await OpenAsync();
        Assert.Equal(1UL, reopened.Head!.Height);
        Assert.Single((await reopened.GetBlockAsync(1, default))!.Signatures);
    }

    [Fact]
    public async Task AppendAsync_CancelledBeforeItBegins_WritesNothingAndTheNextAppendFits()
    {
        using var node = await OpenAsync();
        var chain = await OpenChainAsync(node);
        var next = chain.Propose([TestChain.Put(_alice, ++_nonce, "shared", 1)], TestChain.Time);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => node.AppendAsync(next.Block, next.Executed.Writes, cancelled.Token));

        Assert.Equal(0UL, node.Head!.Height);
        Assert.Null(await node.GetBlockAsync(1, default));
        Assert.Null(Value(node, "shared"));
        await chain.CommitProposedAsync(next, default);
        Assert.Equal(1L, Value(node, "shared"));
    }

    [Fact]
    public async Task AppendAsync_BlockThatDoesNotFollowTheHead_IsRefusedAndNothingIsWritten()
    {
        using var node = await OpenAsync();
        var chain = await OpenChainAsync(node);
        var first = chain.Propose([TestChain.Put(_alice, ++_nonce, "shared", 1)], TestChain.Time);
        await chain.CommitProposedAsync(first, default);
        var before = Entries(node);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => node.AppendAsync(first.Block, first.Executed.Writes, default));

        Assert.Contains("expected block 2, got 1", refused.Message);
        Assert.Equal(before, Entries(node));
        Assert.Equal(1UL, node.Head!.Height);
    }

    [Fact]
    public async Task Scan_MixedCaseAndPunctuation_ComeInOrdinalOrderAndPageThroughOnce()
    {
        // A linguistic collation (en-US) would put "apple" before "Zebra" and ignore punctuation; ordinal order does neither.
        string[] keys = ["Zebra", "apple", "a", "a/b", "a0", "a-b", "A", "~tilde", "_under", "b"];
        using var node = await OpenAsync();
        var chain = await OpenChainAsync(node);
        await chain.CommitBatchAsync([.. keys.Select((k, i) => TestChain.Put(_alice, ++_nonce, k, i))], TestChain.Time + 1, default);
        var expected = keys.Select(k => "notes/" + k).Append("notes/genesis").Order(StringComparer.Ordinal).ToList();

        var all = node.Scan("notes/").Select(e => e.Key).ToList();
        var paged = new List<string>();
        string? after = null;
        for (var page = node.Scan("notes/", after, 3); ; page = node.Scan("notes/", after, 3))
        {
            paged.AddRange(page.Select(e => e.Key));
            if (page.Count < 3) break;
            after = page[^1].Key;
        }

        Assert.Equal(expected, all);
        Assert.Equal(expected, paged);
        Assert.Equal(["notes/a", "notes/a-b", "notes/a/b", "notes/a0"], node.Scan("notes/a").Select(e => e.Key).Where(k => k.Length <= 9));
    }

    public virtual void Dispose()
    {
        _validator.Dispose();
        _alice.Dispose();
        GC.SuppressFinalize(this);
    }
}
