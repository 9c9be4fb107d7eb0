using System.Security.Cryptography;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using CareLedger.Node.Records;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;

namespace CareLedger.Node.Fhir;

/// <summary>
/// Records written and read for a practitioner whose key this node holds in custody, in process:
/// sealed exactly as a client seals them (<see cref="RecordSealing"/>), committed with a
/// transaction signed by the custodial key, stored through <see cref="RecordContent"/>'s checks, and
/// read through <see cref="RecordReader"/> with a request the custodial key signs, so every read is
/// consent-checked and logged like any other.
/// </summary>
public sealed class CustodialRecords(LedgerReader ledger, LocalTransactions transactions, RecordContent content, RecordReader reader, RequestAudience self)
{
    public async Task<Answer<string>> AddAsync(Custodian author, AccountId patient, string fhirJson, CancellationToken ct)
    {
        var state = ledger.State;
        var readers = new List<AccountId> { patient, author.Account };
        if (ledger.FindMember(patient)?.Organisation is { } org) readers.AddRange(RecordLedger.EmergencyHoldersOf(state, org));
        var keys = new List<(AccountId, byte[])>();
        foreach (var account in readers.Distinct())
        {
            if (RecordLedger.PublishedKey(state, account) is not { } key)
                return Refusal.Unprocessable("No published key", $"{account} has not published a key yet (careledger record publish-key)");
            keys.Add((account, key));
        }
        SealedVersion version;
        try { version = RecordSealing.SealNew(RecordSealing.NewRecordId(), fhirJson, keys); }
        catch (RecordException e) { return Refusal.Unprocessable("Invalid record", e.Message); }

        var args = new CborMap
        {
            ["record"] = version.Record, ["patient"] = patient.ToString(), ["type"] = version.Type,
            ["contentHash"] = version.ContentHash.ToString(), ["keysHash"] = version.Keys.Hash().ToString(),
        };
        return await CommitAsync(author, "add", args, version, ct);
    }

    /// <summary>
    /// A new version under the record's data key, which the practitioner opens with a logged read; or under a new data key
    /// wrapped for the readers in force, when a grant that covered the record ended since its key was made (ADR 0005).
    /// </summary>
    public async Task<Answer<string>> UpdateAsync(Custodian author, string id, string fhirJson, CancellationToken ct)
    {
        var current = Fetch(author, id, null);
        if (current.Refusal is { } refused) return refused;
        var envelope = current.Value!;
        SealedVersion version;
        try
        {
            if (envelope.NewKeyDue) version = RecordSealing.SealUnderNewKey(id, envelope.Version + 1, envelope.Type, fhirJson, ReadersInForce(author, envelope));
            else
            {
                var dataKey = KeyWrap.Unwrap(Convert.FromBase64String(envelope.WrappedKey), author.Key, id);
                try { version = RecordSealing.SealUpdate(id, envelope.Version + 1, envelope.Type, fhirJson, dataKey); }
                finally { CryptographicOperations.ZeroMemory(dataKey); }
            }
        }
        catch (RecordException e) { return Refusal.Unprocessable("Invalid record", e.Message); }

        var args = new CborMap { ["record"] = id, ["contentHash"] = version.ContentHash.ToString(), ["keysHash"] = version.Keys.Hash().ToString() };
        return await CommitAsync(author, "update", args, version, ct);
    }

    /// <summary>The patient, the author, the grantees in force and, if the old key left one, the emergency holders: those that published a key.</summary>
    private List<(AccountId, byte[])> ReadersInForce(Custodian author, RecordEnvelope envelope)
    {
        var state = ledger.State;
        var record = RecordLedger.Find(state, envelope.Record)!;
        IEnumerable<AccountId> readers = [record.Patient, author.Account, .. RecordKeys.GranteesInForce(state, record, ledger.Now)];
        if (envelope.EmergencyCopy && ledger.FindMember(record.Patient)?.Organisation is { } org) readers = readers.Concat(RecordLedger.EmergencyHoldersOf(state, org));
        var keys = new List<(AccountId, byte[])>();
        foreach (var reader in readers.Distinct())
            if (RecordLedger.PublishedKey(state, reader) is { } key) keys.Add((reader, key));
        return keys;
    }

    /// <summary>
    /// In a consortium, fetches from the other nodes a version this node lacks (written at another organisation's node;
    /// ADR 0022), if the practitioner may read it; a solo node, or a copy already here, costs nothing.
    /// </summary>
    public Task FetchCopyAsync(Custodian practitioner, string id, long? version, CancellationToken ct) => reader.FetchCopyAsync(practitioner.Account, id, version, ct);

    /// <summary>Reads and decrypts a version for the practitioner; the read is on the ledger whether or not it is allowed.</summary>
    public Answer<(RecordEnvelope Envelope, string Json)> Read(Custodian practitioner, string id, long? version)
    {
        var fetched = Fetch(practitioner, id, version);
        if (fetched.Refusal is { } refused) return refused;
        return (fetched.Value!, RecordSealing.Open(fetched.Value!, practitioner.Key));
    }

    private Answer<RecordEnvelope> Fetch(Custodian practitioner, string id, long? version)
    {
        var path = $"/v1/records/{id}" + (version is { } v ? $"?version={v}" : "");
        return reader.Read(SignedCaller.SignedBy(practitioner.Key, self, "GET", path, ledger.Now), id, version, null);
    }

    private async Task<Answer<string>> CommitAsync(Custodian author, string action, CborMap args, SealedVersion version, CancellationToken ct)
    {
        try
        {
            var receipt = await transactions.SubmitAndWaitAsync(author.Key, "records", action, args, ct);
            if (!receipt.Result.Valid) return Refusal.Unprocessable("Transaction rejected", receipt.Result.Reason ?? "refused");
        }
        catch (Exception e) when (e is InvalidOperationException or CareLedger.Ledger.Ordering.TransactionRejectedException)
        {
            return Refusal.Unprocessable("Transaction rejected", e.Message);
        }
        return content.StoreVersion(author.Account, version.Record, version.Version, version.Ciphertext, version.Keys) is { } refused
            ? refused
            : version.Record;
    }
}
