using CareLedger.Ledger.Cryptography;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace CareLedger.Portal.Crypto;

/// <summary>
/// wwwroot/js/keys.js, imported once. IJSRuntime rather than [JSImport]: WebCrypto answers with promises of byte
/// arrays and CryptoKeys, which IJSRuntime awaits, transfers (byte[] as binary) and holds (IJSObjectReference) as they
/// are; [JSImport] would need hand-made marshalling for each of them and unsafe code, to save microseconds per call
/// next to crypto that takes milliseconds.
/// </summary>
public sealed class KeysModule(IJSRuntime js, NavigationManager navigation) : IAsyncDisposable
{
    // Errors meant for people start with this in keys.js; anything else is the browser failing.
    private const string Marker = "[keys] ";
    private Task<IJSObjectReference>? _module;

    private Task<IJSObjectReference> Module => _module ??= ImportAsync();

    private async Task<IJSObjectReference> ImportAsync()
    {
        var module = await js.InvokeAsync<IJSObjectReference>("import", navigation.BaseUri + "js/keys.js");
        // Browsers lend WebCrypto only to secure contexts: a node reached over plain http by its network address gets none.
        if (!await module.InvokeAsync<bool>("available"))
            throw new KeyStoreException("this browser withholds its cryptography from this page: open the portal over https, or on the node's own computer");
        return module;
    }

    public async Task<T> CallAsync<T>(string function, params object?[] args)
    {
        var module = await Module;
        try { return await module.InvokeAsync<T>(function, args); }
        catch (JSException e) { throw Translate(e); }
    }

    public async Task CallAsync(string function, params object?[] args)
    {
        var module = await Module;
        try { await module.InvokeVoidAsync(function, args); }
        catch (JSException e) { throw Translate(e); }
    }

    /// <summary>The message alone (the first line: the rest is a JavaScript stack), as the key store's exception.</summary>
    private static Exception Translate(JSException e)
    {
        var message = e.Message.Split('\n')[0].Trim();
        return message.StartsWith(Marker, StringComparison.Ordinal)
            ? new KeyStoreException(message[Marker.Length..])
            : new KeyStoreException($"the browser's cryptography failed ({message})");
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is { IsCompletedSuccessfully: true }) await _module.Result.DisposeAsync();
    }
}
