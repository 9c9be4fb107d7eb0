using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CareLedger.Node.Api;

/// <summary>
/// Describes the body of an endpoint that reads its request itself (with a size limit, or as CBOR),
/// for the OpenAPI document only. <c>Accepts&lt;T&gt;</c> would also make routing refuse other
/// content types with 415 before the endpoint could answer with its own problem details.
/// </summary>
public sealed record DocumentedBody(Type Type, params string[] ContentTypes)
{
    public static OpenApiOptions DescribeBodies(OpenApiOptions options) => options.AddOperationTransformer(async (operation, context, ct) =>
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<DocumentedBody>().LastOrDefault() is not { } body) return;
        var schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = body.ContentTypes.ToDictionary(c => c, _ => new OpenApiMediaType { Schema = schema }),
        };
    });
}

public static class DocumentedBodyExtensions
{
    public static RouteHandlerBuilder Documents<T>(this RouteHandlerBuilder builder, params string[] contentTypes) =>
        builder.WithMetadata(new DocumentedBody(typeof(T), contentTypes.Length == 0 ? ["application/json"] : contentTypes));
}
