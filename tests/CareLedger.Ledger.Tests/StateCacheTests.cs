using CareLedger.Ledger.Storage;

namespace CareLedger.Ledger.Tests;

public class StateCacheTests
{
    [Fact]
    public void Get_WhenACommitLandsDuringTheLoad_DoesNotCacheTheOldValue()
    {
        var cache = new StateCache(capacity: 100);
        byte[]? stored = [1];

        var first = cache.Get("k", _ =>
        {
            var old = stored;
            // A block commits while this reader is between its SQLite read and caching it.
            cache.BeginUpdate();
            stored = [2];
            cache.Apply([new("k", stored)]);
            cache.EndUpdate();
            return old;
        });

        Assert.Equal([1], first);
        Assert.Equal([2], cache.Get("k", _ => throw new InvalidOperationException("should be cached")));
    }

    [Fact]
    public void Get_WhenACommitDeletesTheKeyDuringTheLoad_ReturnsAbsentAfterwards()
    {
        var cache = new StateCache(capacity: 100);
        cache.Get("k", _ =>
        {
            cache.BeginUpdate();
            cache.Apply([new("k", null)]);
            cache.EndUpdate();
            return [7];
        });
        Assert.Null(cache.Get("k", _ => [9]));
    }

    [Fact]
    public void Get_CachesAbsenceToo()
    {
        var cache = new StateCache(capacity: 100);
        var loads = 0;
        Assert.Null(cache.Get("missing", _ => { loads++; return null; }));
        Assert.Null(cache.Get("missing", _ => { loads++; return null; }));
        Assert.Equal(1, loads);
    }
}
