using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Fhir;

/// <summary>A practitioner acting through the FHIR endpoint with the key their organisation's node holds for them.</summary>
public sealed record Custodian(string KeyName, SigningKey Key, Member Member)
{
    public AccountId Account => Key.Account;
}
