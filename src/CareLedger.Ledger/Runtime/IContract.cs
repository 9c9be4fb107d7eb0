using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Runtime;

/// <summary>
/// A deterministic state machine run by every node. Its effects are a pure function of
/// (state, block, transaction): no clock, randomness, floating point, I/O or unordered iteration.
/// </summary>
public interface IContract
{
    /// <summary>The contract's name, which is also its state namespace.</summary>
    string Name { get; }

    IReadOnlyList<ContractAction> Actions { get; }

    IReadOnlyList<ContractQuery> Queries { get; }

    /// <summary>Writes the contract's initial state from the genesis document.</summary>
    void InitGenesis(ContractState state, CborMap genesis);

    /// <summary>
    /// Contracts trusted to write this contract's namespace, through <see cref="ContractState.Of"/>,
    /// by calling the static operations this contract publishes for them (the tokens contract's
    /// escrow, for example). Empty by default: no other contract may write here.
    /// </summary>
    IReadOnlyList<string> TrustedCallers => [];

    /// <summary>
    /// Groups of this contract's entries whose complete content the block header commits to, for lists clients check
    /// instead of trusting the node (<see cref="State.StateDirectory"/>). Keep them small and public. Empty by default.
    /// </summary>
    IReadOnlyList<State.DirectoryGroup> Directory => [];

    /// <summary>
    /// Time-triggered steps (escrow timeouts, expiries): runs at the start of every block, before
    /// its transactions, and sees the block's time. Keep it cheap: index deadlines by time.
    /// </summary>
    void OnBlockStart(ContractState state, ulong height, long blockTime)
    {
    }
}
