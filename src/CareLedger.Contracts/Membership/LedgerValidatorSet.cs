using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Verification;

namespace CareLedger.Contracts.Membership;

/// <summary>
/// The validator set as the membership contract keeps it (<see cref="Validators.Prefix"/>, changed by
/// vote), for the ledger's checks: what nodes, <c>chain verify</c> and <c>proof verify</c> judge
/// block signatures by. A chain started before the set was kept on the ledger uses its genesis set.
/// </summary>
public sealed class LedgerValidatorSet(IReadOnlySet<AccountId> genesis) : IValidatorSet
{
    public static LedgerValidatorSet For(GenesisDocument genesis) => new(genesis.ValidatorAccounts);

    public IReadOnlySet<AccountId> Read(IStateReader state) => Validators.Accounts(state, genesis);

    public bool Covers(string key) => key.StartsWith(Validators.Prefix, StringComparison.Ordinal);
}
