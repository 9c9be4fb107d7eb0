using System.Collections.Concurrent;
using System.Text.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Tests.Support;

/// <summary>
/// One sender submitting transactions one at a time with wait=true at a node that may vanish at
/// any moment. It records each transaction the node acknowledged as committed; when the node is
/// unreachable it retries, asking the node for its last nonce again once it is back.
/// </summary>
public sealed class AcknowledgingClient(NodeClient node, string chainId, SigningKey sender, Func<TxDraft, TxDraft> next)
{
    private readonly ConcurrentQueue<string> _acknowledged = new();

    public IReadOnlyCollection<string> Acknowledged => _acknowledged;
    public int Count => _acknowledged.Count;

    public async Task RunAsync(CancellationToken stop)
    {
        ulong? lastNonce = null;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                lastNonce ??= (await node.GetAccountAsync(sender.Account, stop)).LastNonce;
                var tx = next(new TxDraft(sender, chainId, lastNonce.Value + 1)).Sign();
                var response = await node.SubmitAsync(tx, wait: true, stop);
                lastNonce++;
                if (response.Status == "committed") _acknowledged.Enqueue(response.Id);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or NodeApiException or TaskCanceledException or IOException or JsonException)
            {
                lastNonce = null;
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }
}
