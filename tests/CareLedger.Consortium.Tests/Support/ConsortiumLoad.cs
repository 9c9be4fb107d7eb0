using System.Collections.Concurrent;
using System.Security.Cryptography;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Testing;

namespace CareLedger.Consortium.Tests.Support;

/// <summary>
/// Demo members sending signed transactions, each one at a time with wait=true, every one to the
/// next node in turn (skipping nodes told to be avoided). Nonces only go up, so a transaction left
/// pending on a dead node never blocks the next. Records each transaction acknowledged as committed.
/// </summary>
public sealed class ConsortiumLoad : IAsyncDisposable
{
    private readonly ConsortiumCluster _cluster;
    private readonly ConcurrentDictionary<string, int> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, bool> _avoided = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _senders = [];

    private ConsortiumLoad(ConsortiumCluster cluster) => _cluster = cluster;

    /// <summary>The insurer mints CARE, the patient and the doctor pay each other, the clinic registers new patients.</summary>
    public static ConsortiumLoad Start(ConsortiumCluster cluster)
    {
        var load = new ConsortiumLoad(cluster);
        var patient = cluster.Key("patient-jones").Account;
        var doctor = cluster.Key("dr-rivera").Account;
        load.Add("insurer-admin", n => ("tokens", "mint", ConsortiumCluster.Transfer(n % 2 == 0 ? patient : doctor, 5)));
        load.Add("patient-jones", _ => ("tokens", "transfer", ConsortiumCluster.Transfer(doctor, 1)));
        load.Add("dr-rivera", _ => ("tokens", "transfer", ConsortiumCluster.Transfer(patient, 1)));
        load.Add("clinic-admin", _ => ("membership", "register", new CborMap
        {
            ["account"] = new AccountId(new Hash256(RandomNumberGenerator.GetBytes(Hash256.Size))).ToString(), ["role"] = "patient",
        }));
        return load;
    }

    /// <summary>Transaction id to the node that acknowledged it.</summary>
    public IReadOnlyDictionary<string, int> Acknowledged => _acknowledged;
    public int AcknowledgedCount => _acknowledged.Count;

    /// <summary>How many submissions ended each way ("committed", "202", "422", "no answer", ...).</summary>
    public string Outcomes => string.Join(", ", _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}"));

    public void Avoid(int node) => _avoided[node] = true;
    public void Allow(int node) => _avoided.TryRemove(node, out _);

    /// <summary>Waits until <paramref name="more"/> further transactions are acknowledged.</summary>
    public Task WaitForMoreAsync(int more, TimeSpan timeout)
    {
        var target = AcknowledgedCount + more;
        return _cluster.WaitUntilAsync(() => Task.FromResult(AcknowledgedCount >= target), timeout,
            $"{more} more acknowledged transactions (have {AcknowledgedCount}; outcomes {Outcomes})");
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void Add(string keyName, Func<long, (string Contract, string Action, CborMap Args)> next) =>
        _senders.Add(Task.Run(() => RunAsync(_cluster.Key(keyName), next, _stop.Token)));

    private async Task RunAsync(SigningKey sender, Func<long, (string Contract, string Action, CborMap Args)> next, CancellationToken stop)
    {
        ulong? nonce = null;
        var turn = Random.Shared.Next(_cluster.Size);
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                nonce ??= await _cluster.LastNonceAsync(sender.Account, stop);
                var node = NextNode(ref turn);
                if (node < 0) { await Task.Delay(50, stop); continue; }
                var (contract, action, args) = next(n);
                nonce++;
                var outcome = await _cluster.SubmitAsync(node, ConsortiumCluster.Sign(sender, nonce.Value, contract, action, args), 5, stop);
                _outcomes.AddOrUpdate(outcome.Kind, 1, (_, c) => c + 1);
                if (outcome.Committed) _acknowledged[outcome.TxId] = node;
                else await Task.Delay(20, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (InvalidOperationException)
            {
                // No node answered for the nonce yet.
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private int NextNode(ref int turn)
    {
        for (var k = 0; k < _cluster.Size; k++)
        {
            var node = turn++ % _cluster.Size;
            if (!_avoided.ContainsKey(node) && _cluster.Nodes[node].IsRunning) return node;
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        try { await Task.WhenAll(_senders).WaitAsync(TimeSpan.FromSeconds(30)); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
