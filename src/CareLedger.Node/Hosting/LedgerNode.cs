using CareLedger.Ledger.Cryptography;
using CareLedger.Contracts;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;
using CareLedger.Node.Consortium;
using CareLedger.Node.Demo;
using CareLedger.Node.Chain;
using CareLedger.Vault.Storage;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Hosting;

/// <summary>
/// The ledger parts of one node, put together: store, contracts, chain, transaction pool and orderer.
/// On first start it creates block 0 from the genesis file, or from a fresh demo consortium.
/// </summary>
public sealed class LedgerNode : IDisposable
{
    private readonly SqliteLedgerStore _store;

    public LedgerNode(IOptions<NodeOptions> options, IOptions<ConsortiumOptions> consortium, IPeerBlocks peers, ILeaderLink leaderLink, TimeProvider clock, ILogger<LedgerNode> log)
    {
        Options = options.Value;
        DataDir = Path.GetFullPath(Options.DataDir);
        System.IO.Directory.CreateDirectory(DataDir);
        Clock = clock;

        Keys = new NodeKeys(DataDir, NodeKeys.Passphrase(Options.NodePassphrase, !string.IsNullOrEmpty(Options.GenesisFile), log));
        ValidatorKey = Keys.Validator;

        var consortiumOptions = consortium.Value;
        if (consortiumOptions.Resync) MoveLedgerAside(log);
        try { _store = new SqliteLedgerStore(Path.Combine(DataDir, "ledger.db")); }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            throw new InvalidOperationException($"the ledger store in {DataDir} cannot be opened ({e.Message}); " +
                (consortiumOptions.Enabled ? "start the node with --resync to rebuild it from the consortium" : "restore it from a backup"), e);
        }
        Genesis = _store.GetBlock(0)?.Genesis is { } stored ? GenesisDocument.Decode(stored) : LoadGenesis(log, consortiumOptions.Enabled);
        // In a consortium a node may start before its organisation is voted in: it follows until then.
        if (!Genesis.ValidatorAccounts.Contains(ValidatorKey.Account) && !consortium.Value.Enabled)
            throw new InvalidOperationException($"this node's validator key ({ValidatorKey.Account}) is not among the genesis validators");

        Vault = new VaultStore(Path.Combine(DataDir, "vault"));
        Runtime = ConsortiumContracts.CreateRuntime(Genesis.ChainId);
        Chain = new LedgerChain(_store, new BlockExecutor(Runtime), ValidatorKey, Genesis);
        Pool = new TransactionPool(Runtime, _store, FindReceipt, clock, Options.PoolCapacity);
        var linger = TimeSpan.FromMilliseconds(Options.BlockLingerMs);
        if (consortiumOptions.Enabled)
        {
            Consortium = new ConsortiumOrderer(Chain, Pool, new EtcdLog(consortiumOptions.EtcdEndpoints, Genesis.ChainId), peers, leaderLink,
                LedgerValidatorSet.For(Genesis), consortiumOptions.ToSettings(Options.BlockMaxTransactions, linger), clock, log);
            Orderer = Consortium;
        }
        else
        {
            Orderer = new SoloOrderer(Chain, Pool, clock, Options.BlockMaxTransactions, linger);
        }
        log.LogInformation("Chain {ChainId} at height {Height}, data in {DataDir}", Genesis.ChainId, Chain.Head.Height, DataDir);
    }

    public NodeOptions Options { get; }
    public string DataDir { get; }
    public TimeProvider Clock { get; }
    public SigningKey ValidatorKey { get; }
    public GenesisDocument Genesis { get; }
    public ContractRuntime Runtime { get; }
    public LedgerChain Chain { get; }
    public ILedgerStore Store => _store;
    public TransactionPool Pool { get; }
    public VaultStore Vault { get; }

    public NodeKeys Keys { get; }

    /// <summary>A read-only contract view of the committed state, for answering requests.</summary>
    public ContractState QueryState => new(_store, null, "query");
    public IOrderer Orderer { get; }

    /// <summary>The consortium orderer when this node is one of several; null for a solo node.</summary>
    public ConsortiumOrderer? Consortium { get; }
    public bool IsDemo => Genesis.Map.ContainsKey("demo");
    public string GenesisPath => Path.Combine(DataDir, "genesis.json");

    /// <summary>The validators now: the ledger's set (changed by vote), or genesis's for a chain that predates it.</summary>
    public IReadOnlySet<AccountId> CurrentValidators =>
        Consortium?.Validators ?? Validators.Accounts(_store, Genesis.ValidatorAccounts);

    public Receipt? FindReceipt(Hash256 id)
    {
        if (_store.FindTransaction(id) is not { } at) return null;
        var block = _store.GetBlock(at.Height);
        return block is null ? null : Receipt.From(block, at.Index);
    }

    /// <summary>The operator asked to rebuild: the old ledger files go to a dated folder (never deleted), a fresh one replays the consortium's log.</summary>
    private void MoveLedgerAside(ILogger log)
    {
        var aside = Path.Combine(DataDir, $"ledger-aside-{Clock.GetUtcNow():yyyyMMdd-HHmmss-fff}");
        foreach (var file in System.IO.Directory.GetFiles(DataDir, "ledger.db*"))
        {
            System.IO.Directory.CreateDirectory(aside);
            File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
        }
        log.LogWarning("Resync: the old ledger was moved to {Folder}; rebuilding from the consortium's log", aside);
    }

    private GenesisDocument LoadGenesis(ILogger log, bool consortium)
    {
        if (!string.IsNullOrEmpty(Options.GenesisFile)) return GenesisFile.Load(Options.GenesisFile);
        if (!File.Exists(GenesisPath))
        {
            if (consortium)
                throw new InvalidOperationException($"a consortium node needs the consortium's genesis document: pass --genesis <file> or put genesis.json in {DataDir}");
            log.LogInformation("First start: creating the demo consortium in {DataDir}", DataDir);
            DemoConsortium.Create(DataDir, ValidatorKey.PublicKey, Clock.GetUtcNow().ToUnixTimeMilliseconds(), GenesisPath);
        }
        return GenesisFile.Load(GenesisPath);
    }

    public void Dispose()
    {
        Consortium?.Log.Dispose();
        _store.Dispose();
        Keys.Dispose();
    }
}
