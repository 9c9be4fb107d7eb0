using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Vault.Crypto;

/// <summary>
/// Wrapped data keys, by name (a reader's account id, or a record id for a grant). The ledger
/// holds only the set's hash — SHA-256 of its canonical CBOR map — and the vault the keys, so
/// erasing a record deletes its keys without rewriting history.
/// </summary>
public sealed class WrappedKeySet
{
    private readonly CborMap _keys = new();

    public int Count => _keys.Count;
    public IEnumerable<string> Names => _keys.Keys;

    public void Add(string name, byte[] wrappedKey) => _keys[name] = wrappedKey;

    public byte[]? Get(string name) => _keys.TryGetValue(name, out var v) ? (byte[])v : null;

    public Hash256 Hash() => Hash256.Of(_keys.Encode());

    public byte[] Encode() => _keys.Encode();

    public static WrappedKeySet Decode(ReadOnlyMemory<byte> bytes)
    {
        var map = CborMap.Decode(bytes);
        var set = new WrappedKeySet();
        foreach (var (name, value) in map)
            set.Add(name, value as byte[] ?? throw new CborMapException($"wrapped key '{name}' must be a byte string"));
        return set;
    }
}
