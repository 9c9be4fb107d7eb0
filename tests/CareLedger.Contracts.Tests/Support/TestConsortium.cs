using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Contracts.Tests.Support;

/// <summary>
/// The consortium contracts on an in-memory chain: block 0 from the genesis document, then one
/// block per <see cref="Submit"/> (or a chosen batch per <see cref="Commit"/>) at the current block time.
/// </summary>
public sealed class TestConsortium : IDisposable
{
    public const long Hour = 3_600_000;
    public const long Day = 24 * Hour;

    private readonly Dictionary<string, SigningKey> _keys;
    private readonly Dictionary<string, ulong> _nonces = new(StringComparer.Ordinal);
    private readonly BlockExecutor _executor;
    private readonly MemoryState _state = new();
    private readonly CountedReads _reads;

    public TestConsortium(GenesisDocument genesis, Dictionary<string, SigningKey> keys)
    {
        Genesis = genesis;
        _keys = keys;
        _reads = new CountedReads(_state);
        Runtime = ConsortiumContracts.CreateRuntime(genesis.ChainId);
        _executor = new BlockExecutor(Runtime);
        var block0 = _executor.ExecuteGenesis(genesis);
        _state.Apply(block0.Writes);
        Head = block0.Header;
        Time = genesis.Time;
    }

    public GenesisDocument Genesis { get; }
    public ContractRuntime Runtime { get; }
    public IStateReader State => _state;

    /// <summary>What blocks and <see cref="View"/> have read of the committed state.</summary>
    public CountedReads Reads => _reads;
    public BlockHeader Head { get; private set; }
    public long Time { get; private set; }

    /// <summary>A read-only contract view of the committed state, for static checks such as the licence check.</summary>
    public ContractState View => new(_reads, null, "tests");

    public SigningKey Key(string name) => _keys[name];
    public AccountId Account(string name) => Key(name).Account;

    /// <summary>A fresh key that is not a member of the consortium.</summary>
    public AccountId Outsider(string name)
    {
        var key = SigningKey.Generate();
        _keys.Add(name, key);
        return key.Account;
    }

    public void Advance(long milliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds);
        Time += milliseconds;
    }

    /// <summary>Signs a transaction with the sender's next nonce, expiring an hour after the current block time.</summary>
    public Transaction Sign(string sender, string contract, string action, CborMap args)
    {
        var nonce = _nonces[sender] = _nonces.GetValueOrDefault(sender) + 1;
        return Transaction.Create(Key(sender), Genesis.ChainId, nonce, Time + Hour, contract, action, args);
    }

    public TxResult Submit(string sender, string contract, string action, CborMap args) =>
        Commit(Sign(sender, contract, action, args)).Results[0];

    public ExecutedBlock Commit(params IReadOnlyList<Transaction> txs)
    {
        var executed = _executor.Execute(_reads, Head, txs, Time, default);
        _state.Apply(executed.Writes);
        Head = executed.Header;
        return executed;
    }

    public CborMap Query(string contract, string query, CborMap args) =>
        Runtime.Query(_reads, contract, query, args, Time, out var error) ?? throw new InvalidOperationException(error);

    /// <summary>A query asked as a member asks it over the API (their role and organisation): the answer, or null when the audience excludes them.</summary>
    public T? QueryAs<T>(string member, string contract, string query, CborMap args) where T : class, ICborRecord<T>
    {
        var who = CareLedger.Contracts.Membership.Members.FindMember(View, Account(member));
        var asker = new Asker(Account(member), who?.Role, who?.Organisation, Oversees: false);
        var answer = Runtime.Query(_reads, contract, query, args, Time, asker, out var error, out var refused);
        if (answer is null && !refused) throw new InvalidOperationException(error);
        return answer is null ? null : T.FromCbor(answer);
    }

    /// <summary>A query's answer decoded, strictly, into the record the contract answers with.</summary>
    public T Query<T>(string contract, string query, CborMap args) where T : ICborRecord<T> => T.FromCbor(Query(contract, query, args));

    /// <summary>A committed state entry, or null.</summary>
    public T? Get<T>(StateKey<T> key) where T : class, ICborRecord<T> => View.Get(key);

    /// <summary>Every committed entry under the prefix, for before/after comparisons.</summary>
    public IReadOnlyList<(string Key, string Value)> Snapshot(string prefix) =>
        _state.Scan(prefix).Select(e => (e.Key, Convert.ToHexString(e.Value))).ToList();

    public void Dispose()
    {
        foreach (var key in _keys.Values) key.Dispose();
    }
}
