using CareLedger.Contracts;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Wire;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;

namespace CareLedger.Client.Records;

/// <param name="EmergencyHolders">The nodes holding the emergency copy of the key; empty when there is none (declined, or the patient's organisation runs no node).</param>
public sealed record AddedRecord(string Record, string TxId, string ContentHash, IReadOnlyList<AccountId> EmergencyHolders);

/// <summary>
/// The patient-side and practitioner-side record flows. Everything secret happens here, on the
/// client: FHIR validation, encryption with a fresh data key, wrapping it for each reader, and
/// re-wrapping when the patient grants access. The node only ever sees ciphertext and wrapped keys. A key is
/// wrapped only for a public key that hashes to the account it is meant for, so a node (or anyone on the way)
/// that answers with its own key gets nothing (ADR 0011).
/// A refused add, update or grant is a <see cref="RecordException"/>; the plain actions (publish-key,
/// revoke, erase) return their receipt or throw <see cref="ContractActionException"/>.
/// </summary>
public sealed partial class RecordsClient(NodeClient node)
{
    /// <summary>The same client, reading as <paramref name="key"/>'s holder (reads about people are answered to those they concern).</summary>
    public RecordsClient As(IAccountKey key) => new(node.As(key));

    public const string Contract = "records";

    /// <summary>Publishes the signer's public key, so that others can wrap record keys for them.</summary>
    public Task<ReceiptDto> PublishKeyAsync(IAccountKey key, CancellationToken ct = default) =>
        node.CommitAsync(key, Contract, "publish-key", new CborMap(), ct);

    /// <param name="emergencyAccess">Also wrap the key for the patient's organisation's node, so that a licensed practitioner can break the glass.</param>
    public async Task<AddedRecord> AddAsync(IAccountKey author, AccountId patient, string fhirJson, bool emergencyAccess = true, CancellationToken ct = default)
    {
        var (_, type) = RecordSealing.Validate(fhirJson);
        // A patient's own new record is also readable at once by those a grant in force gives its type to; asked
        // alongside the other lookups, so that it adds no round trip of its own.
        var grantees = author.Account == patient ? GranteesOfTypeAsync(author, type, ct) : Task.FromResult<IReadOnlyList<AccountId>>([]);
        var holders = emergencyAccess ? await EmergencyAccountsAsync(author, patient, ct) : [];
        var keys = new List<(AccountId, byte[])>();
        foreach (var reader in new[] { patient, author.Account }.Concat(holders).Distinct()) keys.Add((reader, await PublicKeyAsync(reader, ct)));
        foreach (var grantee in (await grantees).Except(keys.Select(k => k.Item1)))
            if (await TryPublicKeyAsync(grantee, ct) is { } granteeKey) keys.Add((grantee, granteeKey));
        var sealedVersion = await RecordSealing.SealNewAsync(node.Crypto, RecordSealing.NewRecordId(), fhirJson, keys);

        var sent = Check(await node.SendAsync(author, Contract, "add", new CborMap
        {
            ["record"] = sealedVersion.Record, ["patient"] = patient.ToString(), ["type"] = sealedVersion.Type,
            ["contentHash"] = sealedVersion.ContentHash.ToString(), ["keysHash"] = sealedVersion.Keys.Hash().ToString(),
        }, ct));
        await UploadAsync(author, sealedVersion, ct);
        return new AddedRecord(sealedVersion.Record, sent.Id, sealedVersion.ContentHash.ToString(), holders);
    }

    /// <summary>
    /// Adds a new version; the author must already be able to read the record. It is encrypted under the record's data key,
    /// or under a new one wrapped only for the readers in force when a grant that covered the record ended since that key
    /// was made, so that a revoked grantee who kept the old key cannot open it (ADR 0005, "Revocation").
    /// </summary>
    public async Task<string> UpdateAsync(IAccountKey author, string recordId, string fhirJson, CancellationToken ct = default)
    {
        RecordSealing.Validate(fhirJson);
        var (envelope, dataKey) = await OpenAsync(author, recordId, null, null, ct);
        SealedVersion sealedVersion;
        try
        {
            sealedVersion = envelope.NewKeyDue
                ? await RecordSealing.SealUnderNewKeyAsync(node.Crypto, recordId, envelope.Version + 1, envelope.Type, fhirJson, await ReadersInForceAsync(author, envelope, ct))
                : await RecordSealing.SealUpdateAsync(node.Crypto, recordId, envelope.Version + 1, envelope.Type, fhirJson, dataKey);
        }
        finally { CryptographicOperations.ZeroMemory(dataKey); }
        var sent = Check(await node.SendAsync(author, Contract, "update", new CborMap
        {
            ["record"] = recordId, ["contentHash"] = sealedVersion.ContentHash.ToString(), ["keysHash"] = sealedVersion.Keys.Hash().ToString(),
        }, ct));
        await UploadAsync(author, sealedVersion, ct);
        return sent.Id;
    }

    /// <summary>Reads and decrypts a record; the read is logged on the ledger whether or not it is allowed.</summary>
    public async Task<(RecordEnvelope Envelope, string Json)> ReadAsync(IAccountKey reader, string recordId, long? version = null, string? breakGlassReason = null, CancellationToken ct = default)
    {
        var envelope = await FetchAsync(reader, recordId, version, breakGlassReason, ct);
        return (envelope, await RecordSealing.OpenAsync(node.Crypto, envelope, reader));
    }

    /// <summary>The headers a break-glass reason and its salt travel in beside the signed request that seals them.</summary>
    public const string BreakGlassTextHeader = "CareLedger-Break-Glass-Reason", BreakGlassSaltHeader = "CareLedger-Break-Glass-Salt";

    private async Task<RecordEnvelope> FetchAsync(IAccountKey reader, string recordId, long? version, string? breakGlassReason, CancellationToken ct)
    {
        // The break-glass reason is sealed in the signed query, so nobody can add or change it on the way, and only its seal
        // reaches the ledger: the text and salt travel beside it for the node's vault, where the patient reads it (ADR 0011).
        var query = new List<string>();
        if (version is { } v) query.Add($"version={v}");
        var salt = SealedCode.NewSalt();
        if (breakGlassReason is not null) query.Add($"breakGlass={SealedCode.Of(breakGlassReason, salt)}");
        var path = $"/v1/records/{recordId}" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var envelope = await SendAsync<RecordEnvelope>(async a =>
        {
            var request = await SignedHttp.Get(reader, a, path);
            if (breakGlassReason is not null)
            {
                request.Headers.TryAddWithoutValidation(BreakGlassTextHeader, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(breakGlassReason)));
                request.Headers.TryAddWithoutValidation(BreakGlassSaltHeader, salt);
            }
            return request;
        }, ct);
        if (Hash256.Of(Convert.FromBase64String(envelope.Ciphertext)).ToString() != envelope.ContentHash)
            throw new RecordException("the node served ciphertext whose hash does not match the ledger");
        return envelope;
    }

    private async Task<(RecordEnvelope, byte[])> OpenAsync(IAccountKey reader, string recordId, long? version, string? breakGlassReason, CancellationToken ct)
    {
        var envelope = await FetchAsync(reader, recordId, version, breakGlassReason, ct);
        return (envelope, await KeyWrap.UnwrapAsync(node.Crypto, Convert.FromBase64String(envelope.WrappedKey), reader, recordId));
    }

    /// <summary>Grants access: re-wraps the data key of every key generation of every record in scope for the grantee, then signs the consent.</summary>
    public async Task<string> GrantAsync(IAccountKey patient, string? grantee, string? granteeOrg, string purpose, IReadOnlyList<string> records,
        IReadOnlyList<string> types, DateTimeOffset expiry, CancellationToken ct = default)
    {
        // Checked before any record is opened, so a refused grant leaves no reads in the patient's log.
        if ((await node.As(patient).GetAccountAsync(patient.Account, ct)).Role != "patient") throw new RecordException("only a patient grants access to their records");
        // An organisation grant covers its clinical staff only (RecordAccess.IsGrantee): wrap for them alone.
        var accounts = grantee is not null ? [AccountId.Parse(grantee)]
            : await OrganisationAccountsAsync(granteeOrg!, ["practitioner", "pharmacist"], ct);
        // Every reader's key is fetched and checked before any record is opened: a substituted key refuses the grant unread.
        var readers = new List<(AccountId Account, byte[] Key)>();
        foreach (var account in accounts)
            if (await TryPublicKeyAsync(account, ct) is { } readerKey) readers.Add((account, readerKey));
        var scope = records.ToHashSet();
        if (types.Count > 0)
            foreach (var r in await ListAsync(patient, ct: ct))
                if (!r.Erased && types.Contains(r.Type)) scope.Add(r.Record);

        var keys = new WrappedKeySet();
        foreach (var recordId in scope.Order())
            foreach (var (name, dataKey) in await GenerationKeysAsync(patient, recordId, ct))
            {
                foreach (var (reader, readerKey) in readers) keys.Add($"{name}/{reader}", await KeyWrap.WrapAsync(node.Crypto, dataKey, readerKey, recordId));
                CryptographicOperations.ZeroMemory(dataKey);
            }
        var grantId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var args = new CborMap
        {
            ["grant"] = grantId, ["purpose"] = purpose, ["records"] = records.Cast<object>().ToList(), ["types"] = types.Cast<object>().ToList(),
            ["expiry"] = expiry.ToUnixTimeMilliseconds(), ["keysHash"] = keys.Hash().ToString(),
        };
        if (grantee is not null) args["grantee"] = grantee; else args["granteeOrg"] = granteeOrg!;
        Check(await node.SendAsync(patient, Contract, "grant", args, ct));
        if (keys.Count > 0)
        {
            var upload = new GrantKeysUpload(patient.Account.ToString(), Convert.ToBase64String(keys.Encode()));
            await SendAsync<JsonObject>(a => SignedHttp.Post(patient, a, $"/v1/records/grants/{grantId}/keys", upload), ct);
        }
        return grantId;
    }

    /// <summary>
    /// Revokes a grant, then has the node delete the wrapped keys its grantees held for the records it covered (those
    /// another grant still covers keep theirs): a revoked grantee can no longer even fetch the key.
    /// </summary>
    public async Task<ReceiptDto> RevokeAsync(IAccountKey patient, string grantId, CancellationToken ct = default)
    {
        var receipt = await node.CommitAsync(patient, Contract, "revoke", new CborMap { ["grant"] = grantId }, ct);
        using var response = await node.SendSignedAsync(a => SignedHttp.Delete(patient, a, $"/v1/records/grants/{grantId}/keys"), ct);
        await NodeClient.ReadAsync<int>(response, ct);
        return receipt;
    }

    /// <summary>Erases a record for good (the patient only): every node deletes its ciphertext and wrapped keys, the ledger keeps the hashes.</summary>
    public Task<ReceiptDto> EraseAsync(IAccountKey patient, string recordId, CancellationToken ct = default) =>
        node.CommitAsync(patient, Contract, "erase", new CborMap { ["record"] = recordId }, ct);

    public async Task<IReadOnlyList<RecordSummary>> ListAsync(IAccountKey caller, AccountId? patient = null, CancellationToken ct = default)
    {
        return await GetPagesAsync<RecordSummary>(caller, $"/v1/records?patient={patient ?? caller.Account}", ct);
    }

    public async Task<RecordSummary> HistoryAsync(IAccountKey caller, string recordId, CancellationToken ct = default)
    {
        return await SendAsync<RecordSummary>(a => SignedHttp.Get(caller, a, $"/v1/records/{recordId}/history"), ct);
    }

    /// <summary>The patient's whole access log, oldest first, fetched <paramref name="pageSize"/> (1 to 1000) entries at a time.</summary>
    public async Task<IReadOnlyList<AccessLogEntry>> AccessLogAsync(IAccountKey patient, int pageSize = QueryPaging.MaxLimit, CancellationToken ct = default)
    {
        return await GetPagesAsync<AccessLogEntry>(patient, $"/v1/records/access-log?patient={patient.Account}&limit={pageSize}", ct);
    }

    /// <summary>Every grant the patient gave, revoked and expired ones included, in id order.</summary>
    public async Task<IReadOnlyList<ConsentGrant>> GrantsAsync(AccountId patient, CancellationToken ct = default) =>
        await node.QueryAllAsync<GrantList, ConsentGrant>(Contract, "grants", new CborMap { ["patient"] = patient.ToString() }, ct: ct).ToListAsync(ct);

    private async Task UploadAsync(IAccountKey author, SealedVersion version, CancellationToken ct)
    {
        var upload = new RecordContentUpload(Convert.ToBase64String(version.Ciphertext), Convert.ToBase64String(version.Keys.Encode()));
        await SendAsync<JsonObject>(a => SignedHttp.Post(author, a, $"/v1/records/{version.Record}/versions/{version.Version}/content", upload), ct);
    }

    /// <summary>Every item of a paged list, each page a signed GET, following the node's Link rel=next headers.</summary>
    private async Task<IReadOnlyList<T>> GetPagesAsync<T>(IAccountKey signer, string path, CancellationToken ct)
    {
        var items = new List<T>();
        for (string? next = path; next is not null;)
        {
            var page = next;
            using var response = await node.SendSignedAsync(a => SignedHttp.Get(signer, a, page), ct);
            items.AddRange(await NodeClient.ReadAsync<List<T>>(response, ct));
            next = NodeClient.NextLink(response) is { } link ? "/" + link : null;
        }
        return items;
    }

    private async Task<T> SendAsync<T>(Func<RequestAudience, Task<HttpRequestMessage>> build, CancellationToken ct)
    {
        using var response = await node.SendSignedAsync(build, ct);
        return await NodeClient.ReadAsync<T>(response, ct);
    }

    private static SubmitResponse Check(SubmitResponse sent)
    {
        if (sent.Receipt is null) throw new RecordException($"transaction {sent.Id} is still pending");
        if (sent.Receipt.Valid != true) throw new RecordException(sent.Receipt.Reason ?? "refused");
        return sent;
    }
}
