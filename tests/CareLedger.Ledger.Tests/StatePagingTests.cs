using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Storage;

namespace CareLedger.Ledger.Tests;

/// <summary>Paged state scans: SQLite reads a page, not the range, and paging visits every entry once, through an overlay too.</summary>
public sealed class StatePagingTests : IDisposable
{
    private const int Notes = 40;
    private readonly TempFolder _dir = new();
    private readonly SigningKey _validator = SigningKey.Generate();
    private readonly SigningKey _alice = SigningKey.Generate();

    /// <summary>A store holding notes/n00 … notes/n39, written in one block.</summary>
    private async Task<SqliteLedgerStore> StoreWithNotesAsync()
    {
        var store = await SqliteLedgerStore.OpenAsync(_dir.File(SqliteLedgerStore.FileName), default);
        var chain = await LedgerChain.OpenAsync(store, new BlockExecutor(TestChain.Runtime()), _validator, TestChain.Genesis(_validator), default);
        await chain.CommitBatchAsync([.. Enumerable.Range(0, Notes).Select(i => TestChain.Put(_alice, (ulong)i + 1, $"n{i:D2}", i))], TestChain.Time + 1, default);
        return store;
    }

    private static List<string> PageThrough(IStateReader state, string prefix, int limit)
    {
        var keys = new List<string>();
        string? after = null;
        while (true)
        {
            var page = state.Scan(prefix, after, limit);
            Assert.True(page.Count <= limit);
            keys.AddRange(page.Select(e => e.Key));
            if (page.Count < limit) return keys;
            after = page[^1].Key;
        }
    }

    [Fact]
    public async Task Scan_WithALimit_ReadsOnlyThatManyRowsFromSqlite()
    {
        using var store = await StoreWithNotesAsync();
        var before = store.StateRowsRead;

        var page = store.Scan("notes/", "notes/n09", 5);

        Assert.Equal(["notes/n10", "notes/n11", "notes/n12", "notes/n13", "notes/n14"], page.Select(e => e.Key));
        Assert.Equal(5, store.StateRowsRead - before);
    }

    [Fact]
    public async Task Scan_PagingThroughTheStore_ReturnsEveryEntryExactlyOnce()
    {
        using var store = await StoreWithNotesAsync();

        var keys = PageThrough(store, "notes/", 7);

        Assert.Equal(store.Scan("notes/").Select(e => e.Key), keys);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.True(keys.Count >= Notes);
    }

    [Fact]
    public async Task Scan_PagingThroughAnOverlayWithWritesAndDeletions_MatchesItsFullScan()
    {
        using var store = await StoreWithNotesAsync();
        var overlay = new StateOverlay(store.ExecutionState);
        for (var i = 0; i < Notes; i += 3) overlay.Delete($"notes/n{i:D2}");
        overlay.Set("notes/n05a", [1]);
        overlay.Set("notes/n99", [2]);
        overlay.Set("notes/n07", [3]);

        var keys = PageThrough(overlay, "notes/", 4);

        Assert.Equal(overlay.Scan("notes/").Select(e => e.Key), keys);
        Assert.Contains("notes/n05a", keys);
        Assert.DoesNotContain("notes/n03", keys);
    }

    [Fact]
    public async Task Scan_OverlayPage_ReadsAboutAPageFromBelow()
    {
        using var store = await StoreWithNotesAsync();
        var overlay = new StateOverlay(store);
        var before = store.StateRowsRead;

        var page = overlay.Scan("notes/", null, 3);

        Assert.Equal(3, page.Count);
        Assert.True(store.StateRowsRead - before <= 6, $"read {store.StateRowsRead - before} rows for a page of 3");
    }

    public void Dispose()
    {
        _validator.Dispose();
        _alice.Dispose();
        _dir.Dispose();
    }
}
