using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Verification;

/// <summary>
/// Where a chain keeps its validator set. The set that proposes and signs block <c>h</c> is the one
/// the state after block <c>h - 1</c> records (block 0's is the genesis document's), so a set changed
/// by a vote in block <c>h - 1</c> signs from block <c>h</c> on. The ledger does not know how contracts
/// store it: the domain supplies the implementation.
/// </summary>
public interface IValidatorSet
{
    /// <summary>The validators <paramref name="state"/> records: those who propose and sign the next block.</summary>
    IReadOnlySet<AccountId> Read(IStateReader state);

    /// <summary>Whether a write to <paramref name="key"/> can change the set (a block that writes none keeps it).</summary>
    bool Covers(string key);
}

/// <summary>A set fixed at genesis, for chains whose contracts keep no validator set (tests, tools).</summary>
public sealed class FixedValidatorSet(IReadOnlySet<AccountId> validators) : IValidatorSet
{
    public IReadOnlySet<AccountId> Read(IStateReader state) => validators;
    public bool Covers(string key) => false;
}
