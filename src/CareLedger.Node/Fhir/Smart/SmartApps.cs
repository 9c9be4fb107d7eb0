using System.Text.Json;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using CareLedger.Node.Records;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// The SMART apps this node lets in (<see cref="RegisteredApps"/>, written by <c>careledger fhir app register</c>), re-read
/// when the file changes, and each app's identity on the ledger: a <c>service</c> member of the node's organisation whose key
/// the node holds in custody and whose public key is published, so that a patient's grant can name it and wrap keys for it.
/// </summary>
public sealed class SmartApps(NodeKeys keys, CustodialKeys custody, LedgerReader ledger, ILogger<SmartApps> log)
{
    private readonly Lock _lock = new();
    private readonly RegisteredApps _file = new(keys.Custodial.Folder);
    private (DateTime Stamp, long Length, IReadOnlyList<RegisteredApp> Apps) _apps = (DateTime.MinValue, -1, []);

    public RegisteredApp? Find(string clientId)
    {
        lock (_lock) return Read().FirstOrDefault(a => a.ClientId == clientId);
    }

    public IReadOnlyList<RegisteredApp> All()
    {
        lock (_lock) return Read();
    }

    /// <summary>
    /// The app as registered now, if it is still the one <paramref name="then"/> was captured from: same client id, account and
    /// key name, and (when given) still listing <paramref name="redirectUri"/>. A pending request, code or token carries the
    /// registration of its time; the operator may since have removed the app, or re-registered it with another key or URIs.
    /// </summary>
    public RegisteredApp? Current(RegisteredApp then, string? redirectUri = null) =>
        Current(then.ClientId, then.Account, then.KeyName) is { } now
            && (redirectUri is null || now.RedirectUris.Contains(redirectUri, StringComparer.Ordinal)) ? now : null;

    /// <summary>The app registered now under <paramref name="clientId"/>, if it still has this account and key name.</summary>
    public RegisteredApp? Current(string clientId, string account, string keyName) =>
        Find(clientId) is { } now && now.Account == account && now.KeyName == keyName ? now : null;

    /// <summary>Why the app cannot take part yet (its key not enrolled or not published), or null when it can.</summary>
    public string? WhyNotEnrolled(RegisteredApp app)
    {
        var account = AccountId.Parse(app.Account);
        var member = ledger.FindMember(account);
        var nodeOrg = ledger.FindMember(keys.Account)?.Organisation;
        if (member is null || member.Role != Roles.Service || member.Organisation != nodeOrg)
            return $"The app '{app.Name}' is not enrolled as a service of this node's organisation ({nodeOrg ?? "none"}); the operator should re-run 'careledger fhir app register'.";
        if (RecordLedger.PublishedKey(ledger.State, account) is null) return $"The app '{app.Name}' has not published its key yet.";
        return null;
    }

    /// <summary>The app acting with the key the node holds for it.</summary>
    public Custodian Act(RegisteredApp app)
    {
        SigningKey key;
        try { key = custody.Unlock(app.KeyName); }
        catch (KeyStoreException e) { throw new AuthenticationRefused(StatusCodes.Status403Forbidden, "Access refused", $"The node cannot use the app's key: {e.Message}"); }
        if (WhyNotEnrolled(app) is { } notEnrolled) throw new AuthenticationRefused(StatusCodes.Status403Forbidden, "Access refused", notEnrolled);
        return new Custodian(app.KeyName, key, ledger.FindMember(key.Account)!);
    }

    /// <summary>
    /// The registered apps, re-read when the file changes. A file that cannot be read (half-edited by hand, bad JSON) keeps
    /// the last good list, logged once per change; an entry that is incomplete or names a redirect URI that
    /// <see cref="RegisteredApps.CheckRedirectUri"/> refuses is left out, logged, so a hand edit cannot open a redirect.
    /// </summary>
    private IReadOnlyList<RegisteredApp> Read()
    {
        var file = new FileInfo(_file.Path);
        if (!file.Exists) return [];
        if (file.LastWriteTimeUtc == _apps.Stamp && file.Length == _apps.Length) return _apps.Apps;
        IReadOnlyList<RegisteredApp> read;
        try { read = _file.Read(); }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            log.LogWarning("{File} cannot be read ({Reason}); the SMART apps registered before stay in use until it is fixed.", _file.Path, e.Message);
            _apps = (file.LastWriteTimeUtc, file.Length, _apps.Apps);
            return _apps.Apps;
        }
        var good = new List<RegisteredApp>();
        foreach (var app in read)
        {
            if (WhyInvalid(app) is { } why) log.LogWarning("{File}: the app '{ClientId}' is left out: {Reason}.", _file.Path, app?.ClientId, why);
            else good.Add(app);
        }
        // An app removed, or re-registered with another key: the node forgets the old key it unlocked (the CLI deletes its file).
        foreach (var gone in _apps.Apps.Select(a => a.KeyName).Except(good.Select(a => a.KeyName))) custody.Forget(gone);
        _apps = (file.LastWriteTimeUtc, file.Length, good);
        return good;
    }

    private static string? WhyInvalid(RegisteredApp? app)
    {
        if (app is null || string.IsNullOrEmpty(app.ClientId) || string.IsNullOrEmpty(app.KeyName) || app.RedirectUris is null || app.RedirectUris.Count == 0)
            return "it lacks a client id, key name or redirect URI";
        if (!AccountId.TryParse(app.Account, out _)) return "its account is not an account id";
        return app.RedirectUris.Select(u => u is null ? "a redirect URI is empty" : RegisteredApps.CheckRedirectUri(u)).FirstOrDefault(e => e is not null);
    }
}
