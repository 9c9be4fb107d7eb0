namespace CareLedger.Node.Fhir;

/// <summary>
/// The route constraint <c>fhirtype</c>: a FHIR resource type starts with an upper-case letter (<c>Observation</c>), so the
/// resource routes (<c>/fhir/{type}/{id}</c>…) never take <c>/fhir/auth/…</c> or <c>/fhir/.well-known/…</c>, whose own endpoints
/// and fallbacks answer in OAuth's or problem dialect. Any other lower-case path falls to the FHIR fallback, an OperationOutcome.
/// </summary>
public sealed class FhirTypeConstraint : IRouteConstraint
{
    public const string Name = "fhirtype";

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string { Length: > 0 } type && char.IsAsciiLetterUpper(type[0]);
}
