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
public sealed class SmartApps(NodeKeys keys, CustodialKeys custody, LedgerReader ledger)
{
    private readonly Lock _lock = new();
    private readonly RegisteredApps _file = new(keys.Custodial.Folder);
    private (DateTime Stamp, long Length, IReadOnlyList<RegisteredApp> Apps) _apps = (DateTime.MinValue, -1, []);

    public RegisteredApp? Find(string clientId)
    {
        lock (_lock) return Read().FirstOrDefault(a => a.ClientId == clientId);
    }

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

    private IReadOnlyList<RegisteredApp> Read()
    {
        var file = new FileInfo(_file.Path);
        if (!file.Exists) return [];
        if (file.LastWriteTimeUtc != _apps.Stamp || file.Length != _apps.Length) _apps = (file.LastWriteTimeUtc, file.Length, _file.Read());
        return _apps.Apps;
    }
}
