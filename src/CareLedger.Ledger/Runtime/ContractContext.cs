using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Runtime;

/// <summary>Everything a contract may see while applying a transaction: state, block, transaction. Nothing else.</summary>
public sealed class ContractContext
{
    private readonly List<ContractEvent> _events = [];
    private readonly string _contract;

    internal ContractContext(string contract, ContractState state, string chainId, ulong height, long blockTime, Hash256 txId, AccountId sender, byte[] senderKey)
    {
        ChainId = chainId;
        SenderKey = senderKey;
        _contract = contract;
        State = state;
        Height = height;
        BlockTime = blockTime;
        TxId = txId;
        Sender = sender;
    }

    public ContractState State { get; }
    /// <summary>The chain the transaction was signed for (the runtime refuses any other).</summary>
    public string ChainId { get; }
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
