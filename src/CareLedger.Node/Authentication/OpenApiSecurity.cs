using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CareLedger.Node.Authentication;

/// <summary>Declares both authentication schemes in the OpenAPI document, and on each operation the scheme and policy it requires.</summary>
public static class OpenApiSecurity
{
    /// <summary>The FHIR endpoint's bearer scheme (its handler lives with the FHIR endpoint).</summary>
    public const string CustodialScheme = "CustodialToken";

    public static OpenApiOptions DescribeSecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SignedRequestHandler.Name] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = RequestSignature.Header,
                Description = "key=<base64 SubjectPublicKeyInfo>; time=<Unix ms>; sig=<base64 P1363 ECDSA P-256 signature over SHA-256 of canonical CBOR " +
                              "[\"careledger/request/v1\", method, path and query, time, SHA-256(body)]>. Within 5 minutes of the node's clock; each signature is accepted once.",
            };
            document.Components.SecuritySchemes[CustodialScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "A token the node operator issued for a practitioner's custodial key (FHIR endpoint only).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
            if (policies.Count == 0 || metadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
            var scheme = policies.Contains(Policies.Custodial) ? CustodialScheme : SignedRequestHandler.Name;
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
            operation.Description = $"{operation.Description}\n\nAuthorization: {string.Join(", ", policies)}.".Trim();
            return Task.CompletedTask;
        });
        return options;
    }
}
