using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;
using CareLedger.Vault.Storage;

namespace CareLedger.Node.Records;

/// <summary>
/// Copies between consortium nodes (ADR 0022): what a node serves a peer and what it keeps of a peer's answer, each checked
/// against the ledger — the ciphertext against the version's content hash, the exact key-set bytes against the keys hash
/// the version or grant committed to. Nothing is served or kept for an erased record, and of a key set a node keeps as
/// readers' keys only those the ledger still lets their reader hold.
/// </summary>
public sealed partial class RecordContent
{
    /// <summary>A version's ciphertext and exact key set, for a peer node; refused when erased, not held, or damaged.</summary>
    public Answer<RecordContentUpload> ServeVersion(string id, long version)
    {
        var state = ledger.State;
        if (RecordLedger.Find(state, id) is not { } record) return Refusal.NotFound("Unknown record", $"No record {id}.");
        if (record.Erased) return Erased;
        if (RecordLedger.FindVersion(state, id, version) is not { } meta) return Refusal.NotFound("Unknown version", $"Record {id} has no version {version}.");
        byte[]? blob;
        try { blob = vault.GetBlob(id, Hash256.Parse(meta.ContentHash)); }
        catch (DamagedBlobException) { blob = null; }
        var set = meta.KeysHash == RecordKeys.SameKey ? new CborMap().Encode() : vault.GetKeySet(id, version);
        // A set damaged on disk is not passed on: the peer would refuse it anyway.
        if (blob is null || set is null || Hash256.Of(set).ToString() != meta.KeysHash)
            return Refusal.NotFound("Not held here", $"This node holds no checked copy of record {id} version {version}.");
        return new RecordContentUpload(Convert.ToBase64String(blob), Convert.ToBase64String(set));
    }

    /// <summary>A grant's exact key set, for a peer node; refused once the grant was revoked or a record it covers erased.</summary>
    public Answer<GrantKeysUpload> ServeGrantKeys(AccountId patient, string grantId)
    {
        var state = ledger.State;
        if (state.Get(ConsentGrant.Key(patient, grantId)) is not { KeysHash: { } keysHash } grant) return Refusal.NotFound("Unknown grant", $"No grant {grantId} of {patient}.");
        if (grant.Revoked) return new Refusal(StatusCodes.Status410Gone, "Grant revoked", $"Grant {grantId} was revoked: its keys are forgotten.");
        if (vault.GetGrantKeySet(patient, grantId) is not { } set || Hash256.Of(set).ToString() != keysHash
            || WrappedKeySet.Decode(set).Names.Any(name => IsErased(name.Split('/')[0])))
            return Refusal.NotFound("Not held here", $"This node holds no checked copy of grant {grantId}'s keys.");
        return new GrantKeysUpload(patient.ToString(), Convert.ToBase64String(set));
    }

    /// <summary>Whether this node holds a version's ciphertext and (when it committed keys) its key set.</summary>
    public bool HoldsVersion(string id, long version)
    {
        if (RecordLedger.FindVersion(ledger.State, id, version) is not { } meta) return false;
        return vault.HasBlob(id, Hash256.Parse(meta.ContentHash)) && (meta.KeysHash == RecordKeys.SameKey || vault.HasKeySet(id, version));
    }

    public bool HoldsGrantKeys(AccountId patient, string grantId) => vault.HasGrantKeySet(patient, grantId);

    /// <summary>
    /// Keeps a peer's copy of a version once it checks out against the ledger: the ciphertext, the exact key set (a proof
    /// for the next peer), and the keys of the readers who may hold one now. Null when kept.
    /// </summary>
    public Refusal? StoreVersionCopy(string id, long version, byte[] blob, byte[] set)
    {
        var state = ledger.State;
        if (RecordLedger.Find(state, id) is not { } record) return Refusal.NotFound("Unknown record", $"No record {id} on the ledger.");
        if (record.Erased) return Erased;
        if (RecordLedger.FindVersion(state, id, version) is not { } meta) return Refusal.NotFound("Unknown version", $"Record {id} has no version {version} on the ledger.");
        // Hashes before decoding: bytes the ledger never committed to are not parsed at all.
        if (Hash256.Of(blob).ToString() != meta.ContentHash)
            return Refusal.Unprocessable("Content hash mismatch", "The ciphertext's SHA-256 differs from the content hash on the ledger; nothing was stored.");
        if (Hash256.Of(set).ToString() != meta.KeysHash)
            return Refusal.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the ledger committed to; nothing was stored.");
        if (DecodeSet(set) is not { } keys) return Refusal.Bad("Malformed copy", "The key set is not a CBOR map of wrapped keys.");
        if (CheckCommitted(state, record, meta, blob, keys, Hash256.Of(set)) is { } refused) return refused;
        var generation = keys.Count > 0 ? version : RecordKeys.GenerationOf(state, id, version);
        return vault.Guarded(() =>
        {
            // The ledger read again under the lock: an erasure or a revoke may have committed while the copy travelled.
            var state = ledger.State;
            if (RecordLedger.Find(state, id) is not { Erased: false } current) return Erased;
            vault.PutBlob(id, blob);
            if (keys.Count > 0) vault.PutKeySet(id, version, set);
            foreach (var reader in keys.Names.Select(AccountId.Parse).Where(r => vault.GetKey(id, r, generation) is null && RecordKeys.MayHoldKey(state, current, meta.Author, r, ledger.NotBeforeHead)))
                vault.PutKey(id, reader, keys.Get(reader.ToString())!, generation);
            return (Refusal?)null;
        });
    }

    /// <summary>
    /// Keeps a peer's copy of a grant's keys once it checks out against the ledger: of a grant in force, the keys of its
    /// readers who may hold one now, of records not erased. Null when kept.
    /// </summary>
    public Refusal? StoreGrantKeysCopy(AccountId patient, string grantId, byte[] set)
    {
        var state = ledger.State;
        if (state.Get(ConsentGrant.Key(patient, grantId)) is not { KeysHash: { } keysHash } grant) return Refusal.NotFound("Unknown grant", $"No grant {grantId} of {patient}.");
        if (grant.Revoked) return new Refusal(StatusCodes.Status410Gone, "Grant revoked", $"Grant {grantId} was revoked: its keys are not kept.");
        if (Hash256.Of(set).ToString() != keysHash)
            return Refusal.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the grant committed to; nothing was stored.");
        if (DecodeSet(set) is not { } keys) return Refusal.Bad("Malformed copy", "The key set is not a CBOR map of wrapped keys.");
        var keysByName = ParseGrantKeys(state, patient, keys);
        if (keysByName.Value is not { } parsed) return keysByName.Refusal;
        return vault.Guarded(() =>
        {
            // The ledger read again under the lock: an erasure or a revoke may have committed while the copy travelled.
            var current = ledger.State;
            if (current.Get(ConsentGrant.Key(patient, grantId)) is not { Revoked: false }) return new Refusal(StatusCodes.Status410Gone, "Grant revoked", $"Grant {grantId} was revoked: its keys are not kept.");
            var now = ledger.NotBeforeHead;
            foreach (var key in parsed.Where(k => vault.GetKey(k.Record, k.Reader, k.Generation) is null
                && RecordLedger.Find(current, k.Record) is { Erased: false } record && RecordLedger.FindVersion(current, k.Record, k.Generation) is { } start
                && RecordKeys.MayHoldKey(current, record, start.Author, k.Reader, now)))
                vault.PutKey(key.Record, key.Reader, keys.Get(key.Name)!, key.Generation);
            // The set holds the keys of every record it covers: kept only while none of them is erased.
            if (!parsed.Any(k => IsErased(k.Record))) vault.PutGrantKeySet(patient, grantId, set);
            return (Refusal?)null;
        });
    }

    private static WrappedKeySet? DecodeSet(byte[] set)
    {
        try { return WrappedKeySet.Decode(set); }
        catch (CborMapException) { return null; }
    }
}
