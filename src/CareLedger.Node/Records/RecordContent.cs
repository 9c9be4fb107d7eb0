using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Runtime;
using CareLedger.Node.Chain;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Storage;

namespace CareLedger.Node.Records;

/// <summary>
/// Puts ciphertext and wrapped keys into the vault, only when they are exactly what the ledger
/// committed to: the version's content hash and keys hash, or the grant's keys hash.
/// </summary>
public sealed partial class RecordContent(LedgerReader ledger, VaultStore vault)
{
    /// <summary>Stores a version's ciphertext and wrapped keys for its author; null when stored.</summary>
    public Refusal? StoreVersion(AccountId author, string id, long version, byte[] blob, WrappedKeySet keys)
    {
        var state = ledger.State;
        if (RecordLedger.Find(state, id) is not { } record) return Refusal.NotFound("Unknown record", $"No record {id} on the ledger: submit records.add first.");
        if (record.Erased) return Erased;
        if (RecordLedger.FindVersion(state, id, version) is not { } meta) return Refusal.NotFound("Unknown version", $"Record {id} has no version {version} on the ledger.");
        if (meta.Author != author) return Refusal.Forbidden("only the author of this version may upload its content");
        if (CheckCommitted(state, record, meta, blob, keys, keys.Hash()) is { } refused) return refused;
        var generation = keys.Count > 0 ? version : RecordKeys.GenerationOf(state, id, version);
        if (keys.Names.FirstOrDefault(name => !RecordKeys.MayHoldKey(state, record, author, AccountId.Parse(name), ledger.NotBeforeHead)) is { } outsider)
            return Refusal.Unprocessable("Key for a reader not in force",
                $"No grant in force covers {outsider} for record {id}, so no key of it may be wrapped for them; nothing was stored.");
        // A reader's wrapped key is theirs to keep: an author other than the patient may add keys, never replace one
        // (a replaced key could lock the patient out, or bind a reader to a data key the author chose).
        if (author != record.Patient && keys.Names.FirstOrDefault(name => name != author.ToString() && vault.GetKey(id, AccountId.Parse(name), generation) is not null) is { } held)
            return Refusal.Forbidden($"only the patient replaces another reader's wrapped key: {held} already holds one for record {id}; nothing was stored");

        return vault.Guarded(() =>
        {
            if (IsErased(id)) return Erased;
            vault.PutBlob(id, blob);
            if (keys.Count > 0) vault.PutKeySet(id, version, keys.Encode());
            foreach (var name in keys.Names) vault.PutKey(id, AccountId.Parse(name), keys.Get(name)!, generation);
            return (Refusal?)null;
        });
    }

    private static readonly Refusal Erased = new(StatusCodes.Status410Gone, "Record erased", "The record was erased.");

    private bool IsErased(string id) => RecordLedger.Find(ledger.State, id)?.Erased == true;

    /// <summary>
    /// The checks a version's content passes wherever it comes from (its author, or a peer node): the ciphertext and the
    /// key set are the ones the ledger committed to, and a key set under a new data key wraps it for the patient and the author.
    /// </summary>
    private static Refusal? CheckCommitted(ContractState state, MedicalRecord record, RecordVersion meta, byte[] blob, WrappedKeySet keys, Hash256 keysHash)
    {
        if (Hash256.Of(blob).ToString() != meta.ContentHash)
            return Refusal.Unprocessable("Content hash mismatch", "The ciphertext's SHA-256 differs from the content hash on the ledger; nothing was stored.");
        if (keysHash.ToString() != meta.KeysHash)
            return Refusal.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the ledger committed to; nothing was stored.");
        foreach (var name in keys.Names)
            if (!AccountId.TryParse(name, out _)) return Refusal.Bad("Malformed upload", $"wrapped key name '{name}' is not an account id");
        // A version with keys starts a key generation under a new data key; one without is under its generation's key
        // (ADR 0005, "Revocation"). Either way no earlier generation's key is touched.
        var generation = keys.Count > 0 ? meta.Version : RecordKeys.GenerationOf(state, record.Id, meta.Version);
        if ((meta.Version == 1 || keys.Count > 0) && (keys.Get(record.Patient.ToString()) is null || keys.Get(meta.Author.ToString()) is null))
            return Refusal.Unprocessable("Missing wrapped keys", "The first version, and any version under a new data key, must wrap its key for the patient and the author.");
        if (keys.Count == 0 && RecordKeys.NewKeyDue(state, record, generation, meta.Time))
            return Refusal.Unprocessable("New data key due",
                $"A grant that covered record {record.Id} ended since its key was made: version {meta.Version} must be encrypted under a new data key wrapped for the readers in force; nothing was stored.");
        return null;
    }

    /// <summary>
    /// After the patient revoked a grant: deletes the wrapped keys its grantees held for the records it covered, unless
    /// another grant in force still covers them (or they are the patient). Returns how many keys were deleted.
    /// </summary>
    public Answer<int> ForgetRevokedKeys(AccountId patient, string grantId)
    {
        var state = ledger.State;
        if (state.Get(ConsentGrant.Key(patient, grantId)) is not { } grant) return Refusal.NotFound("Unknown grant", $"You gave no grant {grantId}.");
        var now = ledger.NotBeforeHead;
        if (!(grant.Revoked && grant.RevokedAt <= now)) return new Refusal(StatusCodes.Status409Conflict, "Grant in force", $"Revoke grant {grantId} first (records.revoke).");
        return Forget(grant, now);
    }

    /// <summary>
    /// Deletes the keys a revoked grant's grantees held, unless another grant in force covers them, and the grant's own key
    /// set. Every node runs it when the revoke commits (<see cref="VaultShredder"/>), so copies forget like the original.
    /// </summary>
    public int Forget(ConsentGrant grant, long now)
    {
        var state = ledger.State;
        var patient = grant.Patient;
        // Whom the grant named: the same rule consent checks use (a person, or an organisation's clinical staff).
        IReadOnlyList<AccountId> readers = grant.Grantee is { } one ? [one]
            : [.. state.Scan(StaffSeat.Of(grant.GranteeOrg!)).Where(e => RecordAccess.OrganisationGranteeRoles.Contains(e.Value.Role))
                .Select(e => AccountId.Parse(StateKeys.LastSegment(e.Key)))];
        return vault.Exclusive(() =>
        {
            var deleted = 0;
            foreach (var record in RecordLedger.AllIdsOf(state, patient).Select(id => RecordLedger.Find(state, id)!).Where(r => grant.Records.Contains(r.Id) || grant.Types.Contains(r.Type)))
                foreach (var reader in readers.Where(r => r != patient && !RecordAccess.CheckRead(state, record.Id, r, now).Allowed))
                    if (vault.DeleteKey(record.Id, reader)) deleted++;
            vault.DeleteGrantKeySet(patient, grant.Id);
            return deleted;
        });
    }

    /// <summary>
    /// Stores the keys a patient's grant re-wrapped for its grantees, named "recordId/account" (the first key generation)
    /// or "recordId/generation/account"; null when stored.
    /// </summary>
    public Refusal? StoreGrantKeys(AccountId patient, string grantId, WrappedKeySet keys)
    {
        var state = ledger.State;
        if (state.Get(ConsentGrant.Key(patient, grantId)) is not { KeysHash: { } keysHash } grant) return Refusal.NotFound("Unknown grant", $"You gave no grant {grantId}.");
        // Every node forgot the grant's keys when its revoke committed: none may come back.
        if (grant.Revoked) return new Refusal(StatusCodes.Status410Gone, "Grant revoked", $"Grant {grantId} was revoked: its keys are not kept.");
        if (keys.Hash().ToString() != keysHash)
            return Refusal.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the grant committed to; nothing was stored.");
        var keysByName = ParseGrantKeys(state, patient, keys);
        if (keysByName.Value is not { } parsed) return keysByName.Refusal;
        return vault.Guarded(() =>
        {
            if (ledger.State.Get(ConsentGrant.Key(patient, grantId))?.Revoked != false) return new Refusal(StatusCodes.Status410Gone, "Grant revoked", $"Grant {grantId} was revoked: its keys are not kept.");
            foreach (var (record, generation, reader, name) in parsed.Where(k => !IsErased(k.Record))) vault.PutKey(record, reader, keys.Get(name)!, generation);
            if (!parsed.Any(k => IsErased(k.Record))) vault.PutGrantKeySet(patient, grantId, keys.Encode());
            return (Refusal?)null;
        });
    }

    /// <summary>A grant's wrapped keys by record, key generation and reader, each name checked against the ledger.</summary>
    private static Answer<List<GrantKey>> ParseGrantKeys(ContractState state, AccountId patient, WrappedKeySet keys)
    {
        var parsed = new List<GrantKey>();
        foreach (var name in keys.Names)
        {
            var parts = name.Split('/');
            var generation = 1L;
            if (parts.Length is not (2 or 3) || !VaultStore.IsRecordId(parts[0]) || !AccountId.TryParse(parts[^1], out var reader)
                || (parts.Length == 3 && !(long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out generation) && generation > 1)))
                return Refusal.Bad("Malformed upload", $"key name '{name}' is not record/account or record/generation/account");
            if (RecordLedger.Find(state, parts[0])?.Patient != patient) return Refusal.Forbidden($"record {parts[0]} is not yours");
            if (RecordLedger.FindVersion(state, parts[0], generation) is null || RecordKeys.GenerationOf(state, parts[0], generation) != generation)
                return Refusal.Bad("Malformed upload", $"record {parts[0]} has no key generation {generation}");
            parsed.Add(new GrantKey(parts[0], generation, reader, name));
        }
        return parsed;
    }

    private sealed record GrantKey(string Record, long Generation, AccountId Reader, string Name);
}
