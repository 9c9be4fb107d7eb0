using System.Security.Claims;
using System.Text.Encodings.Web;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using CareLedger.Node.Fhir.Smart;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Task = System.Threading.Tasks.Task;

namespace CareLedger.Node.Fhir;

/// <summary>
/// Authenticates FHIR clients by a bearer token the node operator issued for a practitioner's
/// custodial key (ADR 0006), or by a SMART access token a registered app got with the patient's approval (ADR 0025), which
/// acts with the key the node holds for the app. Refusals are OperationOutcomes, as everything under /fhir.
/// </summary>
public sealed class CustodialTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    CustodialKeys custody, SmartAuthorizations smart, SmartApps apps, LedgerReader ledger) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = OpenApiSecurity.CustodialScheme;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        try
        {
            var token = header["Bearer ".Length..].Trim();
            Custodian custodian;
            if (token.StartsWith(SmartAuthorizations.TokenPrefix, StringComparison.Ordinal))
            {
                (custodian, var access) = SmartAccess.Authenticate(token, smart, apps, ledger);
                Context.Features.Set(access);
            }
            else custodian = custody.Authenticate(token);
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
            _ => Outcomes.Unauthorized("This endpoint needs 'Authorization: Bearer <token>': a token the node operator issued for your custodial key, or a SMART app's access token."),
        };
        await outcome.ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Outcomes.Error(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, CallerClaims.WhyForbidden(Context)).ExecuteAsync(Context);
}
