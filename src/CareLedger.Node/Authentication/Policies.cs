using CareLedger.Contracts.Membership;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace CareLedger.Node.Authentication;

/// <summary>
/// Who may call an endpoint (ADR 0011). Every endpoint names one of these, or is public (<c>AllowAnonymous</c>, and
/// then serves nothing that names a person): anyone, whom the endpoint answers as their signature allows; a signed
/// caller; a member, or a member of one role (the policy is named after the role, see <see cref="Roles"/>); the
/// consortium's overseers (validators' nodes and auditors); the consortium's nodes; or a practitioner acting through
/// a custodial FHIR token.
/// </summary>
public static class Policies
{
    /// <summary>
    /// Anyone: anonymous callers get what is public, a signed caller what their account may see. A signature that is
    /// given must verify (a bad one is refused, not ignored).
    /// </summary>
    public const string Anyone = "anyone";

    /// <summary>Any request signed with an account key, member or not.</summary>
    public const string Signed = "signed";

    /// <summary>A signed request from a member of the consortium, whatever their role.</summary>
    public const string Member = "member";

    /// <summary>The consortium's overseers: validators' node keys, and auditors appointed by a regulator.</summary>
    public const string Oversight = "oversight";

    /// <summary>A consortium node (validator or observer, see <see cref="ConsortiumNodeRequirement"/>) or an overseer: who may have raw blocks.</summary>
    public const string NodeOrOverseer = "node-or-overseer";

    /// <summary>A consortium node: a validator's node key, or a node beating its heart in the consortium's log (see <see cref="ConsortiumNodeRequirement"/>).</summary>
    public const string ConsortiumNode = "consortium-node";

    /// <summary>Staff of the consortium (any member but a patient) or one of its nodes: who runs and watches it.</summary>
    public const string StaffOrNode = "staff-or-node";

    /// <summary>A practitioner of this node's organisation, through a bearer token for their custodial key (the FHIR endpoint registers its scheme).</summary>
    public const string Custodial = "custodial";

    /// <summary>
    /// OAuth 2's own endpoints for SMART apps (authorize, token): public by design, since the caller is a browser or an app
    /// that proves itself by the protocol (a registered redirect URI, a one-time code and its PKCE verifier), not by a key.
    /// </summary>
    public const string OAuthPublic = "oauth-public";

    public static IServiceCollection AddNodeAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<RecentSignatures>();
        services.AddSingleton<IAuthorizationHandler, ConsortiumNodeHandler>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, SignedRequestHandler>(SignedRequestHandler.Name, null);
        services.AddAuthorization(options =>
        {
            options.AddPolicy(Anyone, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireAssertion(UnsignedOrAuthenticated));
            options.AddPolicy(Signed, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireAuthenticatedUser());
            options.AddPolicy(Member, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireRole(Roles.All));
            options.AddPolicy(Oversight, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireClaim(CallerClaims.Oversight));
            options.AddPolicy(ConsortiumNode, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).AddRequirements(new ConsortiumNodeRequirement(OrOverseer: false)));
            options.AddPolicy(NodeOrOverseer, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).AddRequirements(new ConsortiumNodeRequirement(OrOverseer: true)));
            options.AddPolicy(StaffOrNode, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireAssertion(c =>
                c.User.HasClaim(CallerClaims.Oversight, CallerClaims.NodeOversight) || Roles.All.Where(r => r != Roles.Patient).Any(c.User.IsInRole)));
            foreach (var role in Roles.All) options.AddPolicy(role, p => p.AddAuthenticationSchemes(SignedRequestHandler.Name).RequireRole(role));
        });
        return services;
    }

    // An unsigned request passes as anonymous; a signed one only once its signature verified.
    private static bool UnsignedOrAuthenticated(AuthorizationHandlerContext context) =>
        context.User.Identity?.IsAuthenticated == true
        || (context.Resource is HttpContext http && !http.Request.Headers.ContainsKey(Ledger.Cryptography.RequestSignature.Header));
}
