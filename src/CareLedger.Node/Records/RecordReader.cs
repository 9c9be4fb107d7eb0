using System.Security.Cryptography;
using CareLedger.Contracts;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;
using CareLedger.Vault.Storage;

namespace CareLedger.Node.Records;

/// <summary>
/// The one place that decides whether a reader gets a record: consent at the current block,
/// break-glass for licensed practitioners, the emergency re-wrap, and the access log (every
/// attempt, served or refused). /v1/records and /fhir both read through it.
/// </summary>
public sealed class RecordReader(LedgerReader ledger, VaultStore vault, AccessLogger accessLog, NodeKeys keys, ILogger<RecordReader> log, VaultCopies? copies = null)
{
    /// <summary>The title of the 500 a read answers when this node's stored ciphertext no longer matches the ledger's hash.</summary>
    public const string DamagedCopy = "Stored copy damaged";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Hash256, bool> _reportedDamage = new();

    public const int MaxBreakGlassReason = 256;

    /// <summary>
    /// <see cref="Read"/>, after fetching from the consortium's other nodes what the read needs and this node lacks
    /// (a record written at another organisation's node; ADR 0022). A solo node fetches nothing.
    /// </summary>
    /// <summary>Fetches from the other nodes what a read of this version by <paramref name="reader"/> would need (nothing on a solo node).</summary>
    public Task FetchCopyAsync(AccountId reader, string id, long? version, CancellationToken ct) =>
        copies is not null && VaultStore.IsRecordId(id) ? copies.FetchForReadAsync(reader, id, version, breakingGlass: false, ct) : Task.CompletedTask;

    public async Task<Answer<RecordEnvelope>> ReadAsync(SignedCaller caller, string id, long? version, string? breakGlass, BreakGlassReason? glass, CancellationToken ct)
    {
        var breakingGlass = !string.IsNullOrEmpty(breakGlass);
        if (copies is not null && VaultStore.IsRecordId(id)) await copies.FetchForReadAsync(caller.Account, id, version, breakingGlass, ct);
        var answer = Read(caller, id, version, breakGlass, glass);
        // A consortium node drops its damaged copy and reads again from one a peer gives (checked against the ledger's hash).
        if (copies is not null && answer.Refusal?.Title == DamagedCopy && ContentHashOf(id, version) is { } hash && vault.DropDamagedBlob(id, hash))
        {
            log.LogWarning("Record {Record}: the damaged copy {Hash} was deleted; fetching a copy from a peer", id, hash);
            await copies.FetchForReadAsync(caller.Account, id, version, breakingGlass, ct);
            answer = Read(caller, id, version, breakGlass, glass);
        }
        return answer;
    }

    private Hash256? ContentHashOf(string id, long? version)
    {
        var state = ledger.State;
        return RecordLedger.Find(state, id) is { } record && RecordLedger.FindVersion(state, id, version ?? record.Version) is { } meta ? Hash256.Parse(meta.ContentHash) : null;
    }

    /// <summary>A 500 saying the stored copy is damaged; logged once per copy (the operator restores it from a backup, or a peer's copy replaces it).</summary>
    private Refusal Damaged(string id, long version, Hash256 hash)
    {
        if (_reportedDamage.TryAdd(hash, true))
            log.LogError("ALERT: record {Record} version {Version}: the stored ciphertext no longer matches its hash {Hash} on the ledger (damaged on disk)", id, version, hash);
        return new Refusal(StatusCodes.Status500InternalServerError, DamagedCopy,
            $"This node's stored ciphertext of record {id} version {version} does not match the hash on the ledger: it is damaged. Nothing was served; the node's operator restores it.");
    }

    /// <summary>
    /// The ciphertext and the caller's wrapped key, if a grant holds now or the caller broke the glass with a reason. The
    /// reason is sealed in the signed request (<paramref name="breakGlass"/>, a <see cref="SealedCode"/>); its text and salt
    /// come beside it (<paramref name="glass"/>), must open the seal, and are kept in the vault for the patient to read.
    /// </summary>
    public Answer<RecordEnvelope> Read(SignedCaller caller, string id, long? version, string? breakGlass, BreakGlassReason? glass = null)
    {
        if (!string.IsNullOrEmpty(breakGlass) && CheckReason(breakGlass, glass) is { } badReason) return badReason;
        // Not logged: a log entry per fresh outsider key would let anyone flood a patient's access log.
        if (ledger.FindMember(caller.Account) is null) return Refusal.Forbidden("only members of the consortium may read records");
        if (!accessLog.HasRoom)
            return new Refusal(StatusCodes.Status503ServiceUnavailable, "Access log busy", "The access log cannot take more entries right now; no record is served unlogged. Retry shortly.");
        var state = ledger.State;
        if (RecordLedger.Find(state, id) is not { } record) return Refusal.NotFound("Unknown record", $"No record {id}.");

        // At the head's time at least: a grant that expired by the latest block is over here too, though this node's clock may trail it.
        var now = ledger.NotBeforeHead;
        var decision = RecordAccess.CheckRead(state, id, caller.Account, now);
        var glassBroken = false;
        var v = version ?? record.Version;
        // Each version is opened by the key of its generation (ADR 0005, "Revocation").
        var generation = RecordKeys.GenerationOf(state, id, v);
        // Break the glass when no grant covers the record, or one does but no key was shared yet.
        var needsEmergency = !decision.Allowed || vault.GetKey(id, caller.Account, generation) is null;
        if (needsEmergency && !string.IsNullOrEmpty(breakGlass) && !record.Erased)
        {
            var emergency = RecordAccess.CheckBreakGlass(state, caller.Account, now);
            if (emergency.Allowed)
            {
                decision = emergency with { Reason = RecordsContract.BreakGlassReasonPrefix + breakGlass };
                glassBroken = true;
                vault.PutNote(id, breakGlass[SealedCode.Prefix.Length..], System.Text.Encoding.UTF8.GetBytes(glass!.Text));
            }
            else if (!decision.Allowed)
            {
                decision = emergency;
            }
        }
        if (!decision.Allowed)
        {
            accessLog.Record(id, caller, "none", granted: false, decision.Reason, breakGlass: false);
            return Refusal.Forbidden(decision.Reason);
        }

        if (RecordLedger.FindVersion(state, id, v) is not { } meta) return Refusal.NotFound("Unknown version", $"Record {id} has no version {v}.");
        byte[]? blob;
        try { blob = vault.GetBlob(id, Hash256.Parse(meta.ContentHash)); }
        catch (DamagedBlobException e) { return Damaged(id, v, e.Hash); }
        var wrapped = vault.GetKey(id, caller.Account, generation) ?? (glassBroken ? EmergencyRewrap(id, generation, caller.Account) : null);
        if (blob is null || wrapped is null)
        {
            var reason = blob is null ? "the vault holds no ciphertext for this version (not uploaded yet)" : "no key has been shared with you for this record; ask the patient to grant it again";
            accessLog.Record(id, caller, decision.Purpose!, granted: false, reason, glassBroken);
            return new Refusal(StatusCodes.Status409Conflict, "Record not available", reason);
        }

        accessLog.Record(id, caller, decision.Purpose!, granted: true, decision.Reason, glassBroken);
        var newKeyDue = v == record.Version && RecordKeys.NewKeyDue(state, record, generation, now);
        // Asked only when it matters, so that an ordinary read costs no vault lookups more.
        var emergencyCopy = newKeyDue && ledger.FindMember(record.Patient)?.Organisation is { } org
            && RecordLedger.EmergencyHoldersOf(state, org).Any(holder => vault.GetKey(id, holder, generation) is not null);
        return new RecordEnvelope(id, record.Patient.ToString(), record.Type, v, meta.Author.ToString(), meta.Time, meta.ContentHash,
            Convert.ToBase64String(blob), Convert.ToBase64String(wrapped), decision.Purpose!, glassBroken, generation, newKeyDue, emergencyCopy);
    }

    /// <summary>A record's versions (metadata only), for a caller who may read it.</summary>
    public Answer<RecordSummary> History(AccountId caller, string id)
    {
        var state = ledger.State;
        if (RecordLedger.Find(state, id) is not { } record) return Refusal.NotFound("Unknown record", $"No record {id}.");
        var decision = RecordAccess.CheckRead(state, id, caller, ledger.NotBeforeHead);
        return decision.Allowed ? RecordLedger.Summary(state, record) : Refusal.Forbidden(decision.Reason);
    }

    /// <summary>
    /// A page (at most <paramref name="limit"/>, 1,000 when null) of the patient's records after the id <paramref name="after"/>,
    /// those the caller may read: all of them for the patient. A page may hold none the caller may read while more follow;
    /// a caller who may read none of a list that fits one page is refused.
    /// </summary>
    public Answer<RecordPage> List(AccountId caller, AccountId patient, string? after = null, int? limit = null)
    {
        var state = ledger.State;
        var now = ledger.NotBeforeHead;
        var (ids, next) = RecordLedger.IdsOf(state, patient, after, limit);
        var readable = ids
            .Where(id => caller == patient || RecordAccess.CheckRead(state, id, caller, now).Allowed)
            .Select(id => RecordLedger.Summary(state, RecordLedger.Find(state, id)!)).ToList();
        if (caller != patient && readable.Count == 0 && after is null && next.Length == 0)
            return Refusal.Forbidden("no grant from this patient covers any of their records");
        return new RecordPage(readable, next);
    }

    public Answer<AccessLogPage> AccessLog(AccountId caller, AccountId patient, string? after, int? limit)
    {
        if (caller != patient) return Refusal.Forbidden("only the patient may read the access log of their records");
        var page = RecordLedger.AccessLog(ledger.State, patient, after, limit);
        return page with { Entries = [.. page.Entries.Select(WithReasonText)] };
    }

    /// <summary>A break-glass entry's reason as the reader gave it, from the vault (the ledger holds its seal), or a note that it was erased.</summary>
    private AccessLogEntry WithReasonText(AccessLogEntry entry)
    {
        const string prefix = RecordsContract.BreakGlassReasonPrefix;
        if (!entry.BreakGlass || !entry.Reason.StartsWith(prefix, StringComparison.Ordinal) || !SealedCode.IsSealed(entry.Reason[prefix.Length..])) return entry;
        var text = vault.GetNote(entry.Record, entry.Reason[(prefix.Length + SealedCode.Prefix.Length)..]);
        return entry with { Reason = prefix + (text is null ? "(the reason was erased with the record)" : System.Text.Encoding.UTF8.GetString(text)) };
    }

    private static Refusal? CheckReason(string seal, BreakGlassReason? glass)
    {
        if (!SealedCode.IsSealed(seal))
            return Refusal.Bad("Break-glass reason in clear", "A break-glass reason is sealed in the signed request (breakGlass=sha256:…) and sent beside it " +
                $"in the {BreakGlassReason.TextHeader} and {BreakGlassReason.SaltHeader} headers: it never goes on the ledger in clear.");
        if (glass is null) return Refusal.Bad("Break-glass reason missing", $"Send the reason in the {BreakGlassReason.TextHeader} header (base64 of UTF-8) and its salt in {BreakGlassReason.SaltHeader}.");
        if (glass.Text.Length is 0 or > MaxBreakGlassReason) return Refusal.Bad("Reason too long", $"A break-glass reason is 1 to {MaxBreakGlassReason} characters.");
        return SealedCode.Of(glass.Text, glass.Salt) == seal ? null
            : Refusal.Bad("Break-glass reason does not match", "The reason and salt sent do not open the seal in the signed request.");
    }

    /// <summary>Opens the emergency copy of this key generation the patient left for this node and wraps it for the practitioner who broke the glass.</summary>
    private byte[]? EmergencyRewrap(string id, long generation, AccountId practitioner)
    {
        if (vault.GetKey(id, keys.Account, generation) is not { } escrow) return null;
        if (RecordLedger.PublishedKey(ledger.State, practitioner) is not { } published) return null;
        var dataKey = KeyWrap.Unwrap(escrow, keys.Validator, id);
        try { return KeyWrap.Wrap(dataKey, published, id); }
        finally { CryptographicOperations.ZeroMemory(dataKey); }
    }
}
