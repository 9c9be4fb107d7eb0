using System.Security.Claims;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.Authorization;

namespace CareLedger.Node.Authentication;

/// <summary>The claims an authenticated caller carries: its account, and its role and organisation when it is a member.</summary>
public static class CallerClaims
{
    public const string Organisation = "careledger/org";

    public static ClaimsIdentity Identity(AccountId account, Member? member, string scheme)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, account.ToString()) };
        if (member is not null)
        {
            claims.Add(new Claim(ClaimTypes.Role, member.Role));
            claims.Add(new Claim(Organisation, member.Organisation));
        }
        return new ClaimsIdentity(claims, scheme, ClaimTypes.NameIdentifier, ClaimTypes.Role);
    }

    public static AccountId Account(this ClaimsPrincipal user) => AccountId.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);

    /// <summary>One sentence naming who the endpoint is for, from the policies on it.</summary>
    public static string WhyForbidden(HttpContext context)
    {
        var policies = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList() ?? [];
        var roles = policies.Where(p => Roles.All.Contains(p)).ToList();
        var role = context.User.FindFirstValue(ClaimTypes.Role);
        if (roles.Count > 0) return $"Only a {string.Join(" or ", roles)} may do this; you are {(role is null ? "not a member of the consortium" : $"a {role}")}.";
        return role is null ? "Only members of the consortium may do this; your key is not registered." : "You may not do this.";
    }
}
