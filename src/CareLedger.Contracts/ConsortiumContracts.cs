using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts;

/// <summary>The contracts every CareLedger node runs, and the runtime that hosts them.</summary>
public static class ConsortiumContracts
{
    public static IReadOnlyList<IContract> All() => [new MembershipContract(), new LicensingContract(), new TokensContract(), new RecordsContract(), new ServicesContract(), new PrescriptionsContract()];

    public static ContractRuntime CreateRuntime(string chainId) => new(chainId, All(), Invitations.SenderPolicy);
}
