using System.Buffers.Binary;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Runtime;

/// <summary>
/// Applies transactions to state through the contracts. A transaction that gets past the
/// envelope checks (chain, expiry, fresh nonce) consumes its nonce even if the contract refuses
/// it, so a refused transaction can never be replayed later when it might succeed.
/// </summary>
public sealed class ContractRuntime
{
    public const string NoncePrefix = "sys/nonce/";
    /// <summary>How far in the future a transaction's expiry may lie.</summary>
    public const long MaxTimeToLiveMs = 24 * 60 * 60 * 1000;

    private readonly Dictionary<string, IContract> _contracts;
    /// <summary>For each contract, the contracts that trust it to write their namespace, in name order.</summary>
    private readonly Dictionary<string, IReadOnlyList<string>> _trustedBy;
    private readonly SenderPolicy _senderPolicy;

    /// <param name="senderPolicy">Returns why a transaction's sender may not send it (for example, not a member), or null.</param>
    public ContractRuntime(string chainId, IEnumerable<IContract> contracts, SenderPolicy? senderPolicy = null)
    {
        ChainId = chainId;
        _contracts = contracts.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _trustedBy = _contracts.Keys.ToDictionary(name => name, TrustingContracts, StringComparer.Ordinal);
        _senderPolicy = senderPolicy ?? ((_, _, _, _) => null);
        Directory = new StateDirectory([.. _contracts.Values.OrderBy(c => c.Name, StringComparer.Ordinal).SelectMany(DirectoryOf)]);
    }

    public string ChainId { get; }

    private static IEnumerable<DirectoryGroup> DirectoryOf(IContract contract) =>
        contract.Directory.All(g => g.Prefix.StartsWith(contract.Name + "/", StringComparison.Ordinal) && g.Prefix.EndsWith('/'))
            ? contract.Directory
            : throw new InvalidOperationException($"contract '{contract.Name}' names a directory group outside its namespace, or one not ending in '/'");

    /// <summary>The lists every block header commits to, gathered from the contracts.</summary>
    public StateDirectory Directory { get; }
    public IReadOnlyCollection<IContract> Contracts => _contracts.Values;

    public static ulong LastNonce(IStateReader state, AccountId account) =>
        state.Get(NoncePrefix + account) is { } b ? BinaryPrimitives.ReadUInt64BigEndian(b) : 0;

    /// <summary>The checks made before a transaction is ordered (all but the signature). Null when it may be ordered.</summary>
    public string? CheckAdmission(IStateReader state, Transaction tx, long now)
    {
        if (tx.ChainId != ChainId) return $"transaction is for chain '{tx.ChainId}', this is '{ChainId}'";
        if (tx.Expiry < now) return "transaction has expired";
        if (tx.Expiry > now + MaxTimeToLiveMs) return "transaction expiry is more than 24 hours ahead";
        var last = LastNonce(state, tx.Sender);
        if (tx.Nonce <= last) return $"nonce {tx.Nonce} was already used (last used nonce is {last}): replay refused";
        if (_senderPolicy(state, tx, ChainId, now) is { } refusal) return refusal;
        if (!_contracts.TryGetValue(tx.Contract, out var contract)) return $"unknown contract '{tx.Contract}'";
        var action = contract.Actions.FirstOrDefault(a => a.Name == tx.Action);
        if (action is null) return $"contract '{tx.Contract}' has no action '{tx.Action}'";
        return action.CheckArgs(tx.Args);
    }

    /// <summary>Applies one transaction to the block's state. Only a valid result leaves contract writes behind.</summary>
    public TxResult Apply(StateOverlay blockState, ulong height, long blockTime, Transaction tx)
    {
        if (tx.ChainId != ChainId) return TxResult.Invalid($"transaction is for chain '{tx.ChainId}'");
        if (tx.Expiry < blockTime) return TxResult.Invalid("transaction has expired");
        var last = LastNonce(blockState, tx.Sender);
        if (tx.Nonce <= last) return TxResult.Invalid($"nonce {tx.Nonce} was already used (last used nonce is {last}): replay refused");

        var nonce = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, tx.Nonce);
        blockState.Set(NoncePrefix + tx.Sender, nonce);

        if (_senderPolicy(blockState, tx, ChainId, blockTime) is { } refusal) return TxResult.Invalid(refusal);
        if (!_contracts.TryGetValue(tx.Contract, out var contract)) return TxResult.Invalid($"unknown contract '{tx.Contract}'");
        var action = contract.Actions.FirstOrDefault(a => a.Name == tx.Action);
        if (action is null) return TxResult.Invalid($"contract '{tx.Contract}' has no action '{tx.Action}'");
        if (action.CheckArgs(tx.Args) is { } argError) return TxResult.Invalid(argError);

        var txState = new StateOverlay(blockState);
        var ctx = new ContractContext(contract.Name, StateFor(contract, txState, txState), ChainId, height, blockTime, tx.Id, tx.Sender, tx.SenderKey);
        Outcome outcome;
        try
        {
            outcome = action.Authorize(ctx);
            if (outcome.IsOk) outcome = action.Handle(ctx, tx.Args);
        }
        catch (CborMapException e) { outcome = Outcome.Fail($"bad data: {e.Message}"); }
        catch (OverflowException) { outcome = Outcome.Fail("arithmetic overflow"); }
        catch (InvalidOperationException e) { outcome = Outcome.Fail(e.Message); }

        if (!outcome.IsOk) return TxResult.Invalid(outcome.Error!);
        txState.MergeInto(blockState);
        return new TxResult(true, null, ctx.Events);
    }

    /// <summary>Runs every contract's time-triggered steps for a new block, in contract-name order.</summary>
    public void BeginBlock(StateOverlay blockState, ulong height, long blockTime)
    {
        foreach (var contract in _contracts.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
            contract.OnBlockStart(StateFor(contract, blockState, blockState), height, blockTime);
    }

    public void ApplyGenesis(StateOverlay state, CborMap genesis)
    {
        foreach (var contract in _contracts.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
            contract.InitGenesis(StateFor(contract, state, state), genesis);
    }

    /// <summary>A query asked by the node itself, which decides what to show to whom. Null when there is no such contract or query.</summary>
    public CborMap? Query(IStateReader state, string contractName, string queryName, CborMap args, long time, out string? error) =>
        Query(state, contractName, queryName, args, time, asker: null, out error, out _);

    /// <summary>
    /// A query asked over the API by <paramref name="asker"/> (null: by the node itself). When the query's audience does
    /// not include the asker, the answer is null and <paramref name="refused"/> is true.
    /// </summary>
    public CborMap? Query(IStateReader state, string contractName, string queryName, CborMap args, long time, Asker? asker, out string? error, out bool refused)
    {
        error = null;
        refused = false;
        if (!_contracts.TryGetValue(contractName, out var contract)) { error = $"unknown contract '{contractName}'"; return null; }
        var query = contract.Queries.FirstOrDefault(q => q.Name == queryName);
        if (query is null) { error = $"contract '{contractName}' has no query '{queryName}'"; return null; }
        foreach (var spec in query.Args)
            if (spec.Check(args) is { } e) { error = e; return null; }
        var context = new QueryContext(StateFor(contract, state, null), time);
        if (asker is not null && Refusal(contractName, query, context, args, asker) is { } why)
        {
            refused = true;
            error = why;
            return null;
        }
        return query.Answer(context, args);
    }

    /// <summary>
    /// Whether <paramref name="asker"/> may have the query's answer for these arguments, without computing it: null when
    /// they may, else why not (bad arguments, or not in the query's audience).
    /// </summary>
    public string? Allows(IStateReader state, string contractName, string queryName, CborMap args, long time, Asker asker)
    {
        if (!_contracts.TryGetValue(contractName, out var contract)) return $"unknown contract '{contractName}'";
        if (contract.Queries.FirstOrDefault(q => q.Name == queryName) is not { } query) return $"contract '{contractName}' has no query '{queryName}'";
        foreach (var spec in query.Args)
            if (spec.Check(args) is { } e) return e;
        return Refusal(contractName, query, new QueryContext(StateFor(contract, state, null), time), args, asker);
    }

    // A query that names no audience answers only overseers: private by default.
    private static string? Refusal(string contractName, ContractQuery query, QueryContext context, CborMap args, Asker asker) =>
        (query.Audience ?? Audiences.Oversight)(context, args, asker) ? null
        : asker.Account is null ? $"{contractName}.{query.Name} answers only the signed callers it concerns"
        : $"{contractName}.{query.Name} does not answer you about this";

    private IReadOnlyList<string> TrustingContracts(string caller) =>
        [.. _contracts.Values.Where(c => c.Name != caller && c.TrustedCallers.Contains(caller)).Select(c => c.Name).Order(StringComparer.Ordinal)];

    private ContractState StateFor(IContract contract, IStateReader reader, StateOverlay? writes) =>
        new(reader, writes, contract.Name, _trustedBy[contract.Name]);
}

/// <summary>Why <paramref name="tx"/>'s sender may not send it on this chain at this time (for example, not a member), or null.</summary>
public delegate string? SenderPolicy(IStateReader state, Transaction tx, string chainId, long time);
