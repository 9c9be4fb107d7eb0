using CareLedger.Ledger.Cryptography;
using CareLedger.Contracts.Membership;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Fhir;

/// <summary>
/// Custodial keys: the keys a node holds for practitioners of its own organisation, in the keystore
/// folder &lt;DataDir&gt;/custodial under the node passphrase, and the bearer tokens that let a
/// practitioner use theirs. tokens.json maps SHA-256(token) to a key name; the token itself is
/// shown once and never stored. An unlocked key stays in memory for the node's lifetime.
/// </summary>
public sealed class CustodialKeys(NodeKeys keys, LedgerReader ledger) : IDisposable
{
    public const string TokensFileName = CustodialTokens.FileName;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SigningKey> _unlocked = [];
    private readonly CustodialTokens _file = new(keys.Custodial.Folder);
    private (DateTime Stamp, long Length, Dictionary<string, string> Names) _tokens = (DateTime.MinValue, -1, []);

    public string TokensPath => _file.Path;

    /// <summary>Issues a bearer token for a key already in the custodial store. The token is returned once and only its hash is kept.</summary>
    public string IssueToken(string keyName)
    {
        keys.Custodial.Show(keyName);
        lock (_lock) return _file.Issue(keyName);
    }

    /// <summary>The practitioner behind a bearer token; throws <see cref="AuthenticationRefused"/> saying why not.</summary>
    public Custodian Authenticate(string token)
    {
        string? name;
        lock (_lock) ReadTokens().TryGetValue(CustodialTokens.Hash(token), out name);
        if (name is null) throw new AuthenticationRefused(StatusCodes.Status401Unauthorized, "Not authenticated", "The bearer token is not one this node issued (or it was withdrawn).");

        SigningKey key;
        try { key = Unlock(name); }
        catch (KeyStoreException e) { throw new AuthenticationRefused(StatusCodes.Status403Forbidden, "Access refused", $"The custodial key for this token cannot be used: {e.Message}"); }
        var member = ledger.FindMember(key.Account);
        var nodeOrg = ledger.FindMember(keys.Account)?.Organisation;
        if (member is null || member.Organisation != nodeOrg || member.Role is Roles.Patient or Roles.Service)
            throw new AuthenticationRefused(StatusCodes.Status403Forbidden, "Access refused",
                $"Key '{name}' is not a practitioner of this node's organisation ({nodeOrg ?? "none"}), so the node may not act for it.");
        return new Custodian(name, key, member);
    }

    /// <summary>A key of the custodial store, unlocked once and kept for the node's lifetime.</summary>
    public SigningKey Unlock(string name)
    {
        lock (_lock)
        {
            if (!_unlocked.TryGetValue(name, out var key)) _unlocked[name] = key = keys.LoadCustodial(name);
            return key;
        }
    }

    /// <summary>
    /// The token map, re-read when the file changes (its time or length) so that the operator's <c>careledger fhir access</c>
    /// commands can issue or withdraw tokens while the node runs.
    /// </summary>
    private Dictionary<string, string> ReadTokens()
    {
        var file = new FileInfo(TokensPath);
        if (!file.Exists) return [];
        if (file.LastWriteTimeUtc != _tokens.Stamp || file.Length != _tokens.Length) _tokens = (file.LastWriteTimeUtc, file.Length, _file.Read());
        return _tokens.Names;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var key in _unlocked.Values) key.Dispose();
            _unlocked.Clear();
        }
    }
}
