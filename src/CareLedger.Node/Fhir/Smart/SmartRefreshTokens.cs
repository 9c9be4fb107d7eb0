using System.Text.Json;

namespace CareLedger.Node.Fhir.Smart;

/// <summary>
/// A refresh token as the node keeps it: only the token's SHA-256, and what it stands for — the app's registration (client id,
/// account, key name), the patient, the ledger grant and the granted scope — with its expiry and its family: the one
/// authorization (one code's exchange) every token rotated from it descends from.
/// </summary>
public sealed record StoredRefreshToken(string Hash, string Family, string ClientId, string AppAccount, string KeyName, string Patient, string GrantId,
    string Scope, DateTimeOffset Expires, bool Spent = false);

/// <summary>
/// The refresh tokens of <see cref="SmartAuthorizations"/>, kept in <c>&lt;data&gt;/custodial/smart-refresh.json</c> so that they
/// survive a restart (access tokens live an hour and stay in memory: after a restart the app refreshes). Every change rewrites
/// the file whole — a temporary file flushed to disk, then renamed over it — readable by the node's user only; it holds hashes,
/// never a token. A token is spent when it is exchanged (rotation), and a spent one is kept until its own expiry so that its
/// reuse is recognised, also after a restart. Not thread-safe: its owner calls it under its lock.
/// </summary>
public sealed class SmartRefreshTokens
{
    public const string FileName = "smart-refresh.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, StoredRefreshToken> _tokens;

    /// <summary>Reads the tokens kept in <paramref name="folder"/>; a file that cannot be read is logged and none are (apps authorize again).</summary>
    public SmartRefreshTokens(string folder, ILogger log)
    {
        Path = System.IO.Path.Combine(folder, FileName);
        try
        {
            var kept = File.Exists(Path) ? JsonSerializer.Deserialize<List<StoredRefreshToken>>(File.ReadAllBytes(Path), Json) ?? [] : [];
            _tokens = kept.Where(t => t?.Hash is not null).ToDictionary(t => t.Hash);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            log.LogWarning("{File} cannot be read ({Reason}); SMART apps' refresh tokens are refused until their apps authorize again.", Path, e.Message);
            _tokens = [];
        }
    }

    public string Path { get; }

    public int Count => _tokens.Count;

    public StoredRefreshToken? Find(string hash) => _tokens.GetValueOrDefault(hash);

    /// <summary>
    /// Spends <paramref name="spent"/> (a refresh, which rotates it) and keeps <paramref name="added"/> (the new one), in one write.
    /// All or nothing: if the file cannot be written (a full disk), nothing changes here either and the exception goes on, so the
    /// app may try the same code or refresh token again rather than have it taken for a stolen one's reuse.
    /// </summary>
    public void Rotate(StoredRefreshToken? spent, StoredRefreshToken? added)
    {
        if (spent is null && added is null) return;
        var before = new Dictionary<string, StoredRefreshToken>(_tokens);
        if (spent is not null) _tokens[spent.Hash] = spent with { Spent = true };
        if (added is not null) _tokens[added.Hash] = added;
        try { Save(); }
        catch
        {
            _tokens.Clear();
            foreach (var (hash, token) in before) _tokens[hash] = token;
            throw;
        }
    }

    /// <summary>
    /// Forgets every token of a family: a later use of any of them is an unknown token. Held in memory even when the file cannot
    /// be written (the exception goes on): a revocation fails closed, and the next write stores it.
    /// </summary>
    public void RemoveFamily(string family) => Remove(t => t.Family == family);

    /// <summary>Forgets expired tokens; if the file cannot be written now, the next change writes it.</summary>
    public void RemoveExpired(DateTimeOffset now)
    {
        try { Remove(t => t.Expires <= now); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private void Remove(Func<StoredRefreshToken, bool> which)
    {
        var gone = _tokens.Values.Where(which).Select(t => t.Hash).ToList();
        foreach (var hash in gone) _tokens.Remove(hash);
        if (gone.Count > 0 || _behind) Save();
    }

    /// <summary>True while the file lags behind memory: a write failed (a revocation, say, held only in memory) and none has succeeded since.</summary>
    private bool _behind;

    /// <summary>Writes the tokens if the file lags behind memory, so that a revocation that could not be stored is once it can; throws if it still cannot.</summary>
    public void SaveIfBehind()
    {
        if (_behind) Save();
    }

    private void Save()
    {
        _behind = true;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = $"{Path}.{Environment.ProcessId}.tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            JsonSerializer.Serialize(file, _tokens.Values, Json);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, Path, overwrite: true);
        _behind = false;
    }
}
