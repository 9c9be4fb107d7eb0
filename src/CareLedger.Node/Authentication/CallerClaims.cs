using System.Security.Claims;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using Microsoft.AspNetCore.Authorization;

namespace CareLedger.Node.Authentication;

/// <summary>
/// The claims an authenticated caller carries: its account; its role and organisation when it is a member; and
/// <see cref="Oversight"/> when it oversees the chain: as a validator's node (<see cref="NodeOversight"/>) or as an auditor.
/// An organisation's <c>service</c> account oversees nothing: any admin can register one.
/// </summary>
public static class CallerClaims
{
    public const string Organisation = "careledger/org";
    public const string Oversight = "careledger/oversight";
    public const string NodeOversight = "node";
    public const string AuditorOversight = "auditor";

    public static ClaimsIdentity Identity(AccountId account, Member? member, bool validator, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, account.ToString()) };
        if (member is not null)
        {
            claims.Add(new Claim(ClaimTypes.Role, member.Role));
            claims.Add(new Claim(Organisation, member.Organisation));
        }
        if (validator) claims.Add(new Claim(Oversight, NodeOversight));
        else if (member?.Role == Roles.Auditor) claims.Add(new Claim(Oversight, AuditorOversight));
        return new ClaimsIdentity(claims, scheme, ClaimTypes.NameIdentifier, ClaimTypes.Role);
    }

    public static AccountId Account(this ClaimsPrincipal user) => AccountId.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);

    /// <summary>Who is asking, as contracts' query audiences judge it: anonymous unless the request was signed.</summary>
    public static Asker Asker(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id
            ? new Asker(AccountId.Parse(id), user.FindFirstValue(ClaimTypes.Role), user.FindFirstValue(Organisation), user.HasClaim(c => c.Type == Oversight))
            : Ledger.Runtime.Asker.Anonymous;

    /// <summary>Whether the caller oversees the chain: a validator's node or an auditor.</summary>
    public static bool Oversees(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == Oversight);

    /// <summary>Whether the caller is an auditor (whose reads the node logs), not a validator's node.</summary>
    public static bool IsAuditor(this ClaimsPrincipal user) => user.HasClaim(Oversight, AuditorOversight);

    /// <summary>One sentence naming who the endpoint is for, from the policies on it.</summary>
    public static string WhyForbidden(HttpContext context)
    {
        var policies = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList() ?? [];
        var roles = policies.Where(p => Roles.All.Contains(p)).ToList();
        var role = context.User.FindFirstValue(ClaimTypes.Role);
        if (roles.Count > 0) return $"Only a {string.Join(" or ", roles)} may do this; you are {(role is null ? "not a member of the consortium" : $"a {role}")}.";
        if (policies.Contains(Policies.Oversight)) return "Only the consortium's nodes and auditors may do this.";
        if (policies.Contains(Policies.ConsortiumNode)) return "Only the consortium's nodes may do this: sign with the node's key.";
        if (policies.Contains(Policies.StaffOrNode)) return "Only the consortium's staff and nodes may see this.";
        return role is null ? "Only members of the consortium may do this; your key is not registered." : "You may not do this.";
    }
}
