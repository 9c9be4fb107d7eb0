using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Runtime;

/// <summary>Everything a contract may see while applying a transaction: state, block, transaction. Nothing else.</summary>
public sealed class ContractContext
{
    private readonly List<ContractEvent> _events = [];
    private readonly string _contract;

    internal ContractContext(string contract, ContractState state, ulong height, long blockTime, Hash256 txId, AccountId sender, byte[] senderKey)
    {
        SenderKey = senderKey;
        _contract = contract;
        State = state;
        Height = height;
        BlockTime = blockTime;
        TxId = txId;
        Sender = sender;
    }

    public ContractState State { get; }
    public ulong Height { get; }
    /// <summary>The block's time in Unix milliseconds: the only clock a contract has.</summary>
    public long BlockTime { get; }
    public Hash256 TxId { get; }
    public AccountId Sender { get; }
    /// <summary>The sender's P-256 public key (SubjectPublicKeyInfo), which the transaction's signature was checked against.</summary>
    public byte[] SenderKey { get; }

    public IReadOnlyList<ContractEvent> Events => _events;

    public void Emit(string name, CborMap attributes) => _events.Add(new ContractEvent(_contract, name, attributes));
}

/// <summary>What a query sees: state and the time it is asked about.</summary>
public sealed record QueryContext(ContractState State, long Time);

/// <summary>
/// A contract's typed view of the state. It reads any key but writes only under its own
/// namespace ("contract/..."), so one contract cannot change another's records — unless that
/// other contract names it among its <see cref="IContract.TrustedCallers"/>, in which case
/// <see cref="Of"/> hands out a view that writes there, into the same pending writes.
/// </summary>
public sealed class ContractState(IStateReader reader, StateOverlay? writes, string ns, IReadOnlyList<string>? trustedBy = null)
{
    /// <summary>The namespace this view writes: its contract's name.</summary>
    public string Namespace => ns;

    public CborMap? Get(string key) => reader.Get(key) is { } bytes ? CborMap.Decode(bytes) : null;

    public IEnumerable<(string Key, CborMap Value)> Scan(string prefix) =>
        reader.Scan(prefix).Select(e => (e.Key, CborMap.Decode(e.Value)));

    public void Put(string key, CborMap value) => Writable(key).Set(key, value.Encode());

    public void Delete(string key) => Writable(key).Delete(key);

    /// <summary>
    /// The view of another contract that trusts this one, sharing this view's pending writes: what
    /// it writes commits or is discarded with the calling transaction. The returned view cannot
    /// reach further, so trust is never passed on.
    /// </summary>
    public ContractState Of(string contract)
    {
        if (contract == ns) return this;
        if (trustedBy is null || !trustedBy.Contains(contract))
            throw new InvalidOperationException($"contract '{ns}' is not trusted to write '{contract}'");
        return new ContractState(reader, writes, contract);
    }

    private StateOverlay Writable(string key)
    {
        if (writes is null) throw new InvalidOperationException("queries cannot write state");
        if (!key.StartsWith(ns + "/", StringComparison.Ordinal))
            throw new InvalidOperationException($"contract '{ns}' may not write '{key}'");
        // SQLite orders text by UTF-8 bytes and .NET by UTF-16 units; they agree on ASCII only.
        if (key.Any(c => c is < ' ' or > '~')) throw new InvalidOperationException("state keys are printable ASCII");
        return writes;
    }
}
