using Microsoft.AspNetCore.Components.WebAssembly.Services;

namespace CareLedger.Portal.Session;

/// <summary>
/// The assemblies the first load leaves out (the csproj's BlazorWebAssemblyLazyLoad): FHIR's model, needed only to
/// validate a record before it is sealed, SQLite's managed half, and SignalR's client for live notices. They start loading when someone signs in, and
/// every navigation while signed in waits for them, so no page runs before they are there.
/// </summary>
public sealed class LazyParts(LazyAssemblyLoader loader)
{
    private static readonly string[] Assemblies =
    [
        "Hl7.Fhir.R4.wasm", "Hl7.Fhir.Base.wasm", "Hl7.Fhir.Conformance.wasm", "Fhir.Metrics.wasm", "Newtonsoft.Json.wasm",
        "System.Private.Xml.wasm", "System.Private.Xml.Linq.wasm", "Microsoft.CSharp.wasm",
        "Microsoft.Data.Sqlite.wasm", "SQLitePCLRaw.core.wasm", "System.Data.Common.wasm",
        "Microsoft.AspNetCore.SignalR.Client.wasm", "Microsoft.AspNetCore.SignalR.Client.Core.wasm", "Microsoft.AspNetCore.SignalR.Common.wasm",
        "Microsoft.AspNetCore.SignalR.Protocols.Json.wasm", "Microsoft.AspNetCore.Http.Connections.Client.wasm",
        "Microsoft.AspNetCore.Http.Connections.Common.wasm", "Microsoft.AspNetCore.Connections.Abstractions.wasm",
        "Microsoft.Extensions.Features.wasm", "System.Threading.Channels.wasm",
    ];

    private Task? _loading;

    public Task EnsureLoadedAsync() => _loading ??= loader.LoadAssembliesAsync(Assemblies);
}
