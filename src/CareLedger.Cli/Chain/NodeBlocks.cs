using System.Runtime.CompilerServices;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Storage;

namespace CareLedger.Cli.Chain;

/// <summary>A node's blocks exactly as it stores them, fetched in order with a few requests in flight.</summary>
public static class NodeBlocks
{
    private const int InFlight = 8;

    public static async IAsyncEnumerable<StoredBlock> FetchAsync(NodeClient node, ulong head, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var pending = new Queue<Task<RawBlockDto>>();
        ulong next = 0;
        while (next <= head || pending.Count > 0)
        {
            while (next <= head && pending.Count < InFlight) pending.Enqueue(node.GetRawBlockAsync(next++, ct));
            var raw = await pending.Dequeue();
            yield return new StoredBlock(raw.Height, Convert.FromBase64String(raw.Header), Convert.FromBase64String(raw.Body));
        }
    }
}
