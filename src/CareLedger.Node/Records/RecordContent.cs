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
        // A reader's wrapped key is theirs to keep: an author other than the patient may add keys, never replace one
        // (a replaced key could lock the patient out, or bind a reader to a data key the author chose).
        if (author != record.Patient && keys.Names.FirstOrDefault(name => name != author.ToString() && vault.GetKey(id, AccountId.Parse(name)) is not null) is { } held)
            return Refusal.Forbidden($"only the patient replaces another reader's wrapped key: {held} already holds one for record {id}; nothing was stored");
        if (version == 1 && (keys.Get(record.Patient.ToString()) is null || keys.Get(author.ToString()) is null))
            return Refusal.Unprocessable("Missing wrapped keys", "The first version must wrap its key for the patient and the author.");

        vault.PutBlob(id, blob);
        foreach (var name in keys.Names) vault.PutKey(id, AccountId.Parse(name), keys.Get(name)!);
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

    /// <summary>Stores the keys a patient's grant re-wrapped for its grantees, named "recordId/account"; null when stored.</summary>
    public Refusal? StoreGrantKeys(AccountId patient, string grantId, WrappedKeySet keys)
    {
        var state = ledger.State;
        if (state.Get(ConsentGrant.Key(patient, grantId))?.KeysHash is not { } keysHash) return Refusal.NotFound("Unknown grant", $"You gave no grant {grantId}.");
        if (keys.Hash().ToString() != keysHash)
            return Refusal.Unprocessable("Wrapped keys mismatch", "The wrapped keys differ from the set the grant committed to; nothing was stored.");
        var parsed = new List<(string Record, AccountId Reader)>();
        foreach (var name in keys.Names)
        {
            var parts = name.Split('/');
            if (parts.Length != 2 || !VaultStore.IsRecordId(parts[0]) || !AccountId.TryParse(parts[1], out var reader))
                return Refusal.Bad("Malformed upload", $"key name '{name}' is not record/account");
            if (RecordLedger.Find(state, parts[0])?.Patient != patient) return Refusal.Forbidden($"record {parts[0]} is not yours");
            parsed.Add((parts[0], reader));
        }
        foreach (var (record, reader) in parsed) vault.PutKey(record, reader, keys.Get($"{record}/{reader}")!);
        return null;
    }
}
