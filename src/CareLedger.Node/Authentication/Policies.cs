using CareLedger.Contracts.Membership;
using Microsoft.AspNetCore.Authentication;

namespace CareLedger.Node.Authentication;

/// <summary>
/// Who may call an endpoint. Every endpoint names one of these (or <c>AllowAnonymous</c>): a signed
/// caller, a member, a member of one role (the policy is named after the role, see <see cref="Roles"/>),
/// or a practitioner acting through a custodial FHIR token.
/// </summary>
public static class Policies
{
    /// <summary>Any request signed with an account key, member or not.</summary>
    public const string Signed = "signed";

    /// <summary>A signed request from a member of the consortium, whatever their role.</summary>
    public const string Member = "member";

    /// <summary>A practitioner of this node's organisation, through a bearer token for their custodial key (the FHIR endpoint registers its scheme).</summary>
    public const string Custodial = "custodial";

    public static IServiceCollection AddNodeAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<RecentSignatures>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, SignedRequestHandler>(SignedRequestHandler.Name, null);
        services.AddAuthorization(options =>
        {
            options.AddPolicy(Signed, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireAuthenticatedUser());
            options.AddPolicy(Member, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireRole(Roles.All));
            foreach (var role in Roles.All) options.AddPolicy(role, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireRole(role));
        });
        return services;
    }
}
