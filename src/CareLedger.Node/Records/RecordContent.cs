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
public sealed class RecordContent(LedgerReader ledger, VaultStore vault)
{
    /// <summary>Stores a version's ciphertext and wrapped keys for its author; null when stored.</summary>
    public Refusal? StoreVersion(AccountId author, string id, long version, byte[] blob, WrappedKeySet keys)
    {
        var state = ledger.State;
        if (RecordLedger.Find(state, id) is not { } record) return Refusal.NotFound("Unknown record", $"No record {id} on the ledger: submit records.add first.");
        if (record.Erased) return new Refusal(StatusCodes.Status410Gone, "Record erased", "The record was erased.");
        if (RecordLedger.FindVersion(state, id, version) is not { } meta) return Refusal.NotFound("Unknown version", $"Record {id} has no version {version} on the ledger.");
        if (meta.Author != author) return Refusal.Forbidden("only the author of this version may upload its content");
        if (Hash256.Of(blob).ToString() != meta.ContentHash)
            return Refusal.Unprocessable("Content hash mismatch", "The ciphertext's SHA-256 differs from the content hash on the ledger; nothing was stored.");
        if (keys.Hash().ToString() != meta.KeysHash)
            return Refusal.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the ledger committed to; nothing was stored.");
        foreach (var name in keys.Names)
            if (!AccountId.TryParse(name, out _)) return Refusal.Bad("Malformed upload", $"wrapped key name '{name}' is not an account id");
        // A version with keys starts a key generation under a new data key; one without is under its generation's key
        // (ADR 0005, "Revocation"). Either way no earlier generation's key is touched.
        var generation = keys.Count > 0 ? version : RecordKeys.GenerationOf(state, id, version);
        if ((version == 1 || keys.Count > 0) && (keys.Get(record.Patient.ToString()) is null || keys.Get(author.ToString()) is null))
            return Refusal.Unprocessable("Missing wrapped keys", "The first version, and any version under a new data key, must wrap its key for the patient and the author.");
        if (keys.Count == 0 && RecordKeys.NewKeyDue(state, record, generation, meta.Time))
            return Refusal.Unprocessable("New data key due",
                $"A grant that covered record {id} ended since its key was made: version {version} must be encrypted under a new data key wrapped for the readers in force; nothing was stored.");
        if (keys.Names.FirstOrDefault(name => !RecordKeys.MayHoldKey(state, record, author, AccountId.Parse(name), ledger.Now)) is { } outsider)
            return Refusal.Unprocessable("Key for a reader not in force",
                $"No grant in force covers {outsider} for record {id}, so no key of it may be wrapped for them; nothing was stored.");
        // A reader's wrapped key is theirs to keep: an author other than the patient may add keys, never replace one
        // (a replaced key could lock the patient out, or bind a reader to a data key the author chose).
        if (author != record.Patient && keys.Names.FirstOrDefault(name => name != author.ToString() && vault.GetKey(id, AccountId.Parse(name), generation) is not null) is { } held)
            return Refusal.Forbidden($"only the patient replaces another reader's wrapped key: {held} already holds one for record {id}; nothing was stored");

        vault.PutBlob(id, blob);
        foreach (var name in keys.Names) vault.PutKey(id, AccountId.Parse(name), keys.Get(name)!, generation);
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
        var now = ledger.Now;
        if (!(grant.Revoked && grant.RevokedAt <= now)) return new Refusal(StatusCodes.Status409Conflict, "Grant in force", $"Revoke grant {grantId} first (records.revoke).");
        // Whom the grant named: the same rule consent checks use (a person, or an organisation's clinical staff).
        IReadOnlyList<AccountId> readers = grant.Grantee is { } one ? [one]
            : [.. state.Scan(StaffSeat.Of(grant.GranteeOrg!)).Where(e => RecordAccess.OrganisationGranteeRoles.Contains(e.Value.Role))
                .Select(e => AccountId.Parse(StateKeys.LastSegment(e.Key)))];
        var deleted = 0;
        foreach (var record in RecordLedger.AllIdsOf(state, patient).Select(id => RecordLedger.Find(state, id)!).Where(r => grant.Records.Contains(r.Id) || grant.Types.Contains(r.Type)))
            foreach (var reader in readers.Where(r => r != patient && !RecordAccess.CheckRead(state, record.Id, r, now).Allowed))
                if (vault.DeleteKey(record.Id, reader)) deleted++;
        return deleted;
    }

    /// <summary>
    /// Stores the keys a patient's grant re-wrapped for its grantees, named "recordId/account" (the first key generation)
    /// or "recordId/generation/account"; null when stored.
    /// </summary>
    public Refusal? StoreGrantKeys(AccountId patient, string grantId, WrappedKeySet keys)
    {
        var state = ledger.State;
        if (state.Get(ConsentGrant.Key(patient, grantId))?.KeysHash is not { } keysHash) return Refusal.NotFound("Unknown grant", $"You gave no grant {grantId}.");
        if (keys.Hash().ToString() != keysHash)
            return Refusal.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the grant committed to; nothing was stored.");
        var parsed = new List<(string Record, long Generation, AccountId Reader, string Name)>();
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
            parsed.Add((parts[0], generation, reader, name));
        }
        foreach (var (record, generation, reader, name) in parsed) vault.PutKey(record, reader, keys.Get(name)!, generation);
        return null;
    }
}
