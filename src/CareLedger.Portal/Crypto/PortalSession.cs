namespace CareLedger.Portal.Crypto;

/// <summary>
/// The key unlocked in this tab, for the pages that sign or open records. It lives as long as the tab: a reload
/// forgets it, and the passphrase is asked again.
/// </summary>
public sealed class PortalSession
{
    public BrowserAccountKey? Key { get; private set; }

    public event Action? Changed;

    public async Task SignInAsync(BrowserAccountKey key)
    {
        if (Key is { } old && !ReferenceEquals(old, key)) await old.DisposeAsync();
        Key = key;
        Changed?.Invoke();
    }

    public async Task SignOutAsync()
    {
        if (Key is { } old) await old.DisposeAsync();
        Key = null;
        Changed?.Invoke();
    }
}
