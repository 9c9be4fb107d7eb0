namespace CareLedger.Node.Hosting;

/// <summary>
/// Serves the web portal (src/CareLedger.Portal, a Blazor WebAssembly app) under /portal/ (ADR 0013). The portal is a
/// referenced project, so its files are this node's static web assets, described by two manifests the SDK writes:
/// <c>CareLedger.Node.staticwebassets.endpoints.json</c> (routes, fingerprints, compression; build and publish) and, in a
/// build output only, <c>CareLedger.Node.staticwebassets.runtime.json</c> (where each file lies in the source tree).
/// </summary>
public static class PortalHosting
{
    public const string BasePath = "portal";

    /// <summary>The manifests are named after the node's assembly; a test host's entry assembly is testhost, so name it.</summary>
    public static string ApplicationName { get; } = typeof(PortalHosting).Assembly.GetName().Name!;

    /// <summary>
    /// ASP.NET reads the runtime manifest only in Development; the node reads it in every environment, so that a Release
    /// build (tests, <c>dotnet run -c Release</c>) serves the portal too. A published node has no runtime manifest (its
    /// files are in wwwroot), and this does nothing.
    /// </summary>
    public static void UsePortalFiles(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        // A build manifest would otherwise turn on hot reload: no-cache everywhere, and a catch-all "{**path:file}"
        // endpoint that names no audience. A node serves its build output as it would its published files.
        builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
    }

    /// <summary>
    /// Maps the static assets (the portal's and the explorer's) as endpoints, and sends any other path under /portal/
    /// that is not a file (a deep link such as /portal/records/abc) to the portal's index.html, where Blazor's router
    /// takes over. All public: the portal's files hold no one's data, only code.
    /// </summary>
    /// <summary>
    /// The portal runs the code that unlocks keys: only its own files may run there (no inline or third-party script),
    /// WebAssembly may compile, and it talks to this node alone. Styles may be inline (Blazor sets some); no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void MapPortal(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments($"/{BasePath}"))
                context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            return next(context);
        });
        // Blazor's base address is /portal/: without the slash its router would not know where it is. (Middleware, as
        // routing does not tell /portal from /portal/.)
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value == $"/{BasePath}") { context.Response.Redirect($"/{BasePath}/"); return Task.CompletedTask; }
            return next(context);
        });
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{ApplicationName}.staticwebassets.endpoints.json");
        if (!File.Exists(manifest))
        {
            // A host that copied the node's assembly without its manifest still runs its API (and the explorer, from wwwroot).
            app.Logger.LogWarning("No {Manifest} next to the node: the portal is not served", Path.GetFileName(manifest));
            return;
        }
        app.MapStaticAssets(manifest).AllowAnonymous();
        app.MapFallbackToFile($"{BasePath}/{{*path:nonfile}}", $"{BasePath}/index.html").AllowAnonymous();
    }
}
