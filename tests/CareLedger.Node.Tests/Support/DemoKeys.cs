using System.Collections.Concurrent;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Tests.Support;

/// <summary>The demo consortium's keys from a node's data folder, unlocked once each.</summary>
public sealed class DemoKeys(string dataDir) : IDisposable
{
    private readonly KeyStore _store = new(Path.Combine(dataDir, "demo-keys"));
    private readonly ConcurrentDictionary<string, SigningKey> _loaded = new(StringComparer.Ordinal);

    public SigningKey this[string name] => _loaded.GetOrAdd(name, n => _store.Load(n, "demo"));

    public void Dispose()
    {
        foreach (var key in _loaded.Values) key.Dispose();
    }
}
