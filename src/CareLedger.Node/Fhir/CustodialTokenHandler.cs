using System.Security.Claims;
using System.Text.Encodings.Web;
using CareLedger.Node.Authentication;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Task = System.Threading.Tasks.Task;

namespace CareLedger.Node.Fhir;

/// <summary>
/// Authenticates FHIR clients by a bearer token the node operator issued for a practitioner's
/// custodial key (ADR 0006). Refusals are OperationOutcomes, as everything under /fhir.
/// </summary>
public sealed class CustodialTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    CustodialKeys custody) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = OpenApiSecurity.CustodialScheme;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        try
        {
            var custodian = custody.Authenticate(header["Bearer ".Length..].Trim());
            Context.Features.Set(custodian);
            var identity = CallerClaims.Identity(custodian.Account, custodian.Member, validator: false, Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
        catch (AuthenticationRefused refused)
        {
            return Task.FromResult(AuthenticateResult.Fail(refused));
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var outcome = result.Failure switch
        {
            AuthenticationRefused { Status: StatusCodes.Status403Forbidden } refused => Outcomes.Forbidden(refused.Message),
            AuthenticationRefused refused => Outcomes.Unauthorized(refused.Message),
            _ => Outcomes.Unauthorized("This endpoint needs 'Authorization: Bearer <token>', a token the node operator issued for your custodial key."),
        };
        await outcome.ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Outcomes.Error(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, CallerClaims.WhyForbidden(Context)).ExecuteAsync(Context);
}
