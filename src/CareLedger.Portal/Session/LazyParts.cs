using Microsoft.AspNetCore.Components.WebAssembly.Services;
using Microsoft.JSInterop;

namespace CareLedger.Portal.Session;

/// <summary>
/// The assemblies the first load leaves out (the csproj's BlazorWebAssemblyLazyLoad items; ADR 0013, "The first load"):
/// FHIR's model and what it pulls in, SignalR's client, the contracts' model, QR codes. Signing in loads them all, and
/// every page but the sign-in page waits for them, so no code that names them runs before they are there. The list
/// comes from the boot manifest, so the csproj is the one place that says what is lazy.
/// </summary>
public sealed class LazyParts(LazyAssemblyLoader loader, IJSRuntime js)
{
    /// <summary>Left out and never fetched: no code in the browser reaches them (CareLedger.Ledger's stores bring them in).</summary>
    private static readonly HashSet<string> Never =
    [
        "Npgsql", "System.Diagnostics.Process", "System.Net.NameResolution", "System.Net.NetworkInformation",
        "SQLitePCLRaw.provider.e_sqlite3", "SQLitePCLRaw.batteries_v2",
    ];

    private Task? _loading;

    public Task EnsureLoadedAsync() => _loading ??= LoadAsync();

    private async Task LoadAsync()
    {
        var lazy = await js.InvokeAsync<string[]>("careledgerLazyAssemblies");
        await loader.LoadAssembliesAsync(lazy.Where(a => !Never.Contains(Path.GetFileNameWithoutExtension(a))));
    }
}
