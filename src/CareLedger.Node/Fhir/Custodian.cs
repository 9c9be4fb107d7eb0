using System.Reflection;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Fhir;

/// <summary>A practitioner acting through the FHIR endpoint with the key their organisation's node holds for them.</summary>
public sealed record Custodian(string KeyName, SigningKey Key, Member Member)
{
    public AccountId Account => Key.Account;

    /// <summary>Binds the authenticated practitioner; endpoints that take one require the custodial-token scheme.</summary>
    public static ValueTask<Custodian?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Features.Get<Custodian>());
}
