using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Client.Services;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Portal.Crypto;
using CareLedger.Vault.Crypto;

namespace CareLedger.Portal.Session;

/// <summary>
/// Who is signed in: their key (kept in WebCrypto, never in .NET memory) and what the ledger says they are; for an admin,
/// what their organisation is (<see cref="OrganisationKinds"/>) and whether it arbitrates disputes.
/// </summary>
public sealed record Identity(IAccountKey Key, string Role, string? Organisation, string Name, string? OrganisationKind = null, bool Arbitrates = false)
{
    public AccountId Account => Key.Account;
    public bool Is(string role) => Role == role;

    /// <summary>An admin of an organisation of this kind (an insurer's, the licensing authority's).</summary>
    public bool AdminOf(string kind) => Role == Roles.Admin && OrganisationKind == kind;

    /// <summary>How the header and greetings call them: their name, or their role when the ledger names them not.</summary>
    public string Display => Name.Length > 0 ? Name : "a " + Role;
}

/// <summary>
/// The signed-in person, for every page. Signing in proves possession of the key: the portal asks the node, with a
/// request signed by that key for this node and chain only, who the account is; an unregistered key is refused. There
/// is no bearer token to steal: every later read and every transaction is signed in the browser too (ADR 0013).
/// </summary>
public sealed class PortalSession(HttpClient http, IRecordCrypto crypto, ISignatureCheck signatures, BrowserKeyStore keys, LazyParts lazy)
{
    // The lists record keys are wrapped for are checked against validator signatures, verified with WebCrypto (ADR 0016).
    private readonly NodeClient anonymous = new(http, crypto: crypto, trust: ChainTrust.FirstUse(signatures));

    public Identity? Current { get; private set; }

    /// <summary>The node, read as the signed-in person (anonymously when nobody is).</summary>
    public NodeClient Node => Current is { } who ? anonymous.As(who.Key) : anonymous;

    public event Action? Changed;

    /// <summary>Signs in with an unlocked key; throws <see cref="SignInException"/> with one sentence when the ledger does not know it.</summary>
    public async Task<Identity> SignInAsync(IAccountKey key, CancellationToken ct = default)
    {
        // The first load brings only what the sign-in page needs; the rest arrives now, before anything uses it (LazyParts).
        await lazy.EnsureLoadedAsync();
        return await SignInLoadedAsync(key, ct);
    }

    // Apart from SignInAsync: the runtime resolves what a method uses when it first runs it, so a method that names the
    // lazily loaded parts must not start before they are there.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private async Task<Identity> SignInLoadedAsync(IAccountKey key, CancellationToken ct)
    {
        var account = await anonymous.As(key).GetAccountAsync(key.Account, ct);
        if (!account.Member || account.Role is null)
            throw new SignInException("This key is not registered on the ledger yet: ask your organisation for an invitation.");
        // The ledger names staff; a patient's name is only in their own encrypted Patient record (ADR 0011).
        var name = !string.IsNullOrEmpty(account.Name) ? account.Name : account.Role == "patient" ? "" : key.Account.ToString()[..12];
        Current = await WithOrganisationAsync(new Identity(key, account.Role, account.Organisation, name), ct);
        if (key is BrowserAccountKey kept) await keys.RememberAsync(kept);
        Changed?.Invoke();
        return Current;
    }

    /// <summary>An admin's pages depend on what their organisation is and does: its kind, and whether the terms name it arbitrator.</summary>
    private async Task<Identity> WithOrganisationAsync(Identity who, CancellationToken ct)
    {
        if (!who.Is(Roles.Admin) || who.Organisation is not { } org) return who;
        var kind = (await new MembershipClient(anonymous).OrganisationsAsync(ct)).FirstOrDefault(o => o.Id == org)?.Kind;
        var terms = await new ServicesClient(anonymous).GetTermsAsync(ct);
        return who with { OrganisationKind = kind, Arbitrates = terms.Arbitrator == org };
    }

    /// <summary>The signed-in person's name as their own records give it (a patient's is on no ledger); shown from now on.</summary>
    public void KnowName(string? name)
    {
        if (Current is null || string.IsNullOrWhiteSpace(name) || Current.Name == name) return;
        Current = Current with { Name = name.Trim() };
        Changed?.Invoke();
    }

    /// <summary>True when a kept session could not be taken up because the node did not answer (the session is still kept).</summary>
    public bool Unreachable { get; private set; }

    /// <summary>Takes up the session a reload interrupted, if it has not ended; at start, before any page renders.</summary>
    public async Task RestoreAsync()
    {
        try
        {
            if (await keys.RecallAsync() is { } key) await SignInAsync(key);
        }
        catch (HttpRequestException)
        {
            // The node is down or unreachable, not the session: keep it for the next reload, and say so.
            Unreachable = true;
        }
        catch (Exception e) when (e is SignInException or KeyStoreException or CareLedger.Client.Api.NodeApiException)
        {
            // A key the ledger no longer knows, or a browser that withholds its cryptography (the key pages say so): start signed out.
            try { await keys.ForgetAsync(); } catch (KeyStoreException) { }
        }
    }

    public async Task SignOutAsync()
    {
        var key = Current?.Key;
        Current = null;
        await keys.ForgetAsync();
        if (key is IAsyncDisposable disposable) await disposable.DisposeAsync();
        Changed?.Invoke();
    }

    /// <summary>The signed-in identity; pages that need one are only reachable signed in.</summary>
    public Identity Me => Current ?? throw new SignInException("Sign in first.");
}

/// <summary>A sign-in that did not happen, with the sentence to show.</summary>
public sealed class SignInException(string message) : Exception(message);
