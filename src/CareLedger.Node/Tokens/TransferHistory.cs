using System.Threading.Channels;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Storage;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Tokens;

/// <summary>
/// Each account's transfers and mints, as this node read them from committed blocks: an index the node keeps beside the
/// ledger, not in its world state, so that a transfer costs the chain no more than its balances (keeping history in
/// state tripled the cost of a transfer in the benchmark). It holds only where each account's transfers are (block and
/// position, 8 bytes each) and reads them back from the blocks when asked. Built from the stored blocks in the
/// background at start, then followed block by block, off the commit path.
/// </summary>
public sealed class TransferHistory(ILedgerStore store, ILogger<TransferHistory> log) : BackgroundService, INodeStartup
{
    /// <summary>Committed blocks waiting to be indexed: the commit path only queues them (the index is not on its critical path).</summary>
    private readonly Channel<Block> _followed = Channel.CreateUnbounded<Block>(new UnboundedChannelOptions { SingleReader = true });
    private long _queued, _indexed;

    /// <summary>Where each account's transfers are: (block height, transaction index) packed in a long, kept sorted.</summary>
    private readonly Dictionary<AccountId, List<long>> _byAccount = [];
    private readonly Lock _gate = new();
    private Task _built = Task.CompletedTask;

    private static long Position(ulong height, int index) => (long)height << 20 | (uint)index;

    public void BeforeOrdering(LedgerChain chain)
    {
        // Subscribed before ordering starts, so the stored blocks (up to this head) and the followed ones (after it) meet exactly.
        var head = chain.Head.Height;
        chain.BlockCommitted += block =>
        {
            Interlocked.Increment(ref _queued);
            _followed.Writer.TryWrite(block);
        };
        _built = Task.Run(async () =>
        {
            await foreach (var stored in store.ReadBlocksAsync(0, head)) Index(Block.Decode(stored.Header, stored.Body));
            log.LogInformation("Transfer history read from {Blocks} stored blocks", head + 1);
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var block in _followed.Reader.ReadAllAsync(stoppingToken))
        {
            Index(block);
            Interlocked.Increment(ref _indexed);
        }
    }

    /// <summary>Waits until the blocks committed so far are indexed, so that a wallet sees its own transfer at once.</summary>
    private async Task CaughtUpAsync(CancellationToken ct)
    {
        await _built;
        var committed = Interlocked.Read(ref _queued);
        while (Interlocked.Read(ref _indexed) < committed) await Task.Delay(5, ct);
    }

    /// <summary>
    /// A page of the account's transfers, oldest first, after the cursor <paramref name="after"/> (a position this method
    /// gave as Next); the next cursor, or "" at the end. The transfers are read back from their blocks.
    /// </summary>
    public async Task<(IReadOnlyList<TokenTransfer> Page, string Next)> PageAsync(AccountId account, int limit, string? after, CancellationToken ct = default)
    {
        await CaughtUpAsync(ct);
        long[] positions;
        var more = false;
        lock (_gate)
        {
            if (!_byAccount.TryGetValue(account, out var all)) return ([], "");
            var from = 0;
            if (long.TryParse(after, System.Globalization.CultureInfo.InvariantCulture, out var cursor))
            {
                from = all.BinarySearch(cursor);
                from = from < 0 ? ~from : from + 1;
            }
            positions = [.. all.Skip(from).Take(limit)];
            more = from + positions.Length < all.Count;
        }
        var page = new List<TokenTransfer>();
        foreach (var height in positions.Select(p => (ulong)(p >> 20)).Distinct())
        {
            await foreach (var stored in store.ReadBlocksAsync(height, height, ct))
            {
                var block = Block.Decode(stored.Header, stored.Body);
                foreach (var p in positions.Where(p => (ulong)(p >> 20) == height))
                    page.AddRange(Read(block, (int)(p & 0xFFFFF)).Where(t => t.From == account || t.To == account));
            }
        }
        return (page, more && positions.Length > 0 ? positions[^1].ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
    }

    /// <summary>The transfers and mints of one valid tokens transaction, from its events (and its memo, from its arguments).</summary>
    private static IEnumerable<TokenTransfer> Read(Block block, int index)
    {
        var (tx, result) = (block.Transactions[index], block.Results[index]);
        if (!result.Valid || tx.Contract != "tokens") yield break;
        foreach (var e in result.Events)
        {
            var a = e.Attributes;
            var (asset, amount) = (a.TryGetText("asset") ?? "", a.TryGetValue("amount", out var n) && n is long units ? units : 0);
            if (e.Name == "Transferred" && AccountId.TryParse(a.TryGetText("from"), out var from) && AccountId.TryParse(a.TryGetText("to"), out var to))
                yield return new TokenTransfer(asset, from, to, amount, tx.Args.TryGetText("memo") ?? "", block.Header.Time, tx.Id.ToString());
            else if (e.Name == "Minted" && AccountId.TryParse(a.TryGetText("to"), out var minted))
                yield return new TokenTransfer(asset, null, minted, amount, "", block.Header.Time, tx.Id.ToString());
        }
    }

    /// <summary>Notes where each account's transfers are: the sender and the recipient of each valid tokens transfer or mint.</summary>
    private void Index(Block block)
    {
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var (tx, result) = (block.Transactions[i], block.Results[i]);
            if (!result.Valid || tx.Contract != "tokens" || tx.Action is not ("transfer" or "mint")) continue;
            if (!AccountId.TryParse(tx.Args.TryGetText("to"), out var to)) continue;
            var position = Position(block.Height, i);
            lock (_gate)
            {
                if (tx.Action == "transfer") Note(tx.Sender, position);
                Note(to, position);
            }
        }
    }

    private void Note(AccountId account, long position)
    {
        if (!_byAccount.TryGetValue(account, out var list)) _byAccount[account] = list = [];
        if (list.Count == 0 || list[^1] < position) list.Add(position);
        else
        {
            var at = list.BinarySearch(position);
            if (at < 0) list.Insert(~at, position); // a stored block read after a followed one
        }
    }
}
