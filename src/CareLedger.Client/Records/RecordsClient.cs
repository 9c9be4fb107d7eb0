using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Wire;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;

namespace CareLedger.Client.Records;

public sealed record AddedRecord(string Record, string TxId, string ContentHash);

/// <summary>
/// The patient-side and practitioner-side record flows. Everything secret happens here, on the
/// client: FHIR validation, encryption with a fresh data key, wrapping it for each reader, and
/// re-wrapping when the patient grants access. The node only ever sees ciphertext and wrapped keys.
/// A refused add, update or grant is a <see cref="RecordException"/>; the plain actions (publish-key,
/// revoke, erase) return their receipt or throw <see cref="ContractActionException"/>.
/// </summary>
public sealed class RecordsClient(NodeClient node)
{
    /// <summary>The same client, reading as <paramref name="key"/>'s holder (reads about people are answered to those they concern).</summary>
    public RecordsClient As(SigningKey key) => new(node.As(key));

    public const string Contract = "records";

    /// <summary>Publishes the signer's public key, so that others can wrap record keys for them.</summary>
    public Task<ReceiptDto> PublishKeyAsync(SigningKey key, CancellationToken ct = default) =>
        node.CommitAsync(key, Contract, "publish-key", new CborMap(), ct);

    /// <param name="emergencyAccess">Also wrap the key for the patient's organisation's node, so that a licensed practitioner can break the glass.</param>
    public async Task<AddedRecord> AddAsync(SigningKey author, AccountId patient, string fhirJson, bool emergencyAccess = true, CancellationToken ct = default)
    {
        RecordSealing.Validate(fhirJson);
        var readers = new List<AccountId> { patient, author.Account };
        if (emergencyAccess) readers.AddRange(await EmergencyAccountsAsync(author, patient, ct));
        var keys = new List<(AccountId, byte[])>();
        foreach (var reader in readers.Distinct()) keys.Add((reader, await PublicKeyAsync(reader, ct)));
        var sealedVersion = RecordSealing.SealNew(RecordSealing.NewRecordId(), fhirJson, keys);

        var sent = Check(await node.SendAsync(author, Contract, "add", new CborMap
        {
            ["record"] = sealedVersion.Record, ["patient"] = patient.ToString(), ["type"] = sealedVersion.Type,
            ["contentHash"] = sealedVersion.ContentHash.ToString(), ["keysHash"] = sealedVersion.Keys.Hash().ToString(),
        }, ct));
        await UploadAsync(author, sealedVersion, ct);
        return new AddedRecord(sealedVersion.Record, sent.Id, sealedVersion.ContentHash.ToString());
    }

    /// <summary>Adds a new version; the author must already be able to read the record.</summary>
    public async Task<string> UpdateAsync(SigningKey author, string recordId, string fhirJson, CancellationToken ct = default)
    {
        RecordSealing.Validate(fhirJson);
        var (envelope, dataKey) = await OpenAsync(author, recordId, null, null, ct);
        SealedVersion sealedVersion;
        try { sealedVersion = RecordSealing.SealUpdate(recordId, envelope.Version + 1, envelope.Type, fhirJson, dataKey); }
        finally { CryptographicOperations.ZeroMemory(dataKey); }
        var sent = Check(await node.SendAsync(author, Contract, "update", new CborMap
        {
            ["record"] = recordId, ["contentHash"] = sealedVersion.ContentHash.ToString(), ["keysHash"] = sealedVersion.Keys.Hash().ToString(),
        }, ct));
        await UploadAsync(author, sealedVersion, ct);
        return sent.Id;
    }

    /// <summary>Reads and decrypts a record; the read is logged on the ledger whether or not it is allowed.</summary>
    public async Task<(RecordEnvelope Envelope, string Json)> ReadAsync(SigningKey reader, string recordId, long? version = null, string? breakGlassReason = null, CancellationToken ct = default)
    {
        var envelope = await FetchAsync(reader, recordId, version, breakGlassReason, ct);
        return (envelope, RecordSealing.Open(envelope, reader));
    }

    private async Task<RecordEnvelope> FetchAsync(SigningKey reader, string recordId, long? version, string? breakGlassReason, CancellationToken ct)
    {
        // The break-glass reason travels in the signed query, so nobody can add or change it on the way.
        var query = new List<string>();
        if (version is { } v) query.Add($"version={v}");
        if (breakGlassReason is not null) query.Add($"breakGlass={Uri.EscapeDataString(breakGlassReason)}");
        var path = $"/v1/records/{recordId}" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        using var request = SignedHttp.Get(reader, path);
        var envelope = await SendAsync<RecordEnvelope>(request, ct);
        if (Hash256.Of(Convert.FromBase64String(envelope.Ciphertext)).ToString() != envelope.ContentHash)
            throw new RecordException("the node served ciphertext whose hash does not match the ledger");
        return envelope;
    }

    private async Task<(RecordEnvelope, byte[])> OpenAsync(SigningKey reader, string recordId, long? version, string? breakGlassReason, CancellationToken ct)
    {
        var envelope = await FetchAsync(reader, recordId, version, breakGlassReason, ct);
        return (envelope, KeyWrap.Unwrap(Convert.FromBase64String(envelope.WrappedKey), reader, recordId));
    }

    /// <summary>Grants access: re-wraps the data key of every record in scope for the grantee, then signs the consent.</summary>
    public async Task<string> GrantAsync(SigningKey patient, string? grantee, string? granteeOrg, string purpose, IReadOnlyList<string> records,
        IReadOnlyList<string> types, DateTimeOffset expiry, CancellationToken ct = default)
    {
        // Checked before any record is opened, so a refused grant leaves no reads in the patient's log.
        if ((await node.As(patient).GetAccountAsync(patient.Account, ct)).Role != "patient") throw new RecordException("only a patient grants access to their records");
        // An organisation grant covers its clinical staff only (RecordAccess.IsGrantee): wrap for them alone.
        var readers = grantee is not null ? [AccountId.Parse(grantee)]
            : await OrganisationAccountsAsync(granteeOrg!, ["practitioner", "pharmacist"], ct);
        var scope = records.ToHashSet();
        if (types.Count > 0)
            foreach (var r in await ListAsync(patient, ct: ct))
                if (!r.Erased && types.Contains(r.Type)) scope.Add(r.Record);

        var keys = new WrappedKeySet();
        foreach (var recordId in scope.Order())
        {
            var (_, dataKey) = await OpenAsync(patient, recordId, null, null, ct);
            foreach (var reader in readers)
                if (await TryPublicKeyAsync(reader, ct) is { } readerKey) keys.Add($"{recordId}/{reader}", KeyWrap.Wrap(dataKey, readerKey, recordId));
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
            using var upload = SignedHttp.Post(patient, $"/v1/records/grants/{grantId}/keys",
                new GrantKeysUpload(patient.Account.ToString(), Convert.ToBase64String(keys.Encode())));
            await SendAsync<JsonObject>(upload, ct);
        }
        return grantId;
    }

    /// <summary>Withdraws a grant; it stops holding from the block that records the revocation.</summary>
    public Task<ReceiptDto> RevokeAsync(SigningKey patient, string grantId, CancellationToken ct = default) =>
        node.CommitAsync(patient, Contract, "revoke", new CborMap { ["grant"] = grantId }, ct);

    /// <summary>Erases a record for good (the patient only): every node deletes its ciphertext and wrapped keys, the ledger keeps the hashes.</summary>
    public Task<ReceiptDto> EraseAsync(SigningKey patient, string recordId, CancellationToken ct = default) =>
        node.CommitAsync(patient, Contract, "erase", new CborMap { ["record"] = recordId }, ct);

    public async Task<IReadOnlyList<RecordSummary>> ListAsync(SigningKey caller, AccountId? patient = null, CancellationToken ct = default)
    {
        return await GetPagesAsync<RecordSummary>(caller, $"/v1/records?patient={patient ?? caller.Account}", ct);
    }

    public async Task<RecordSummary> HistoryAsync(SigningKey caller, string recordId, CancellationToken ct = default)
    {
        using var request = SignedHttp.Get(caller, $"/v1/records/{recordId}/history");
        return await SendAsync<RecordSummary>(request, ct);
    }

    /// <summary>The patient's whole access log, oldest first, fetched <paramref name="pageSize"/> (1 to 1000) entries at a time.</summary>
    public async Task<IReadOnlyList<AccessLogEntry>> AccessLogAsync(SigningKey patient, int pageSize = QueryPaging.MaxLimit, CancellationToken ct = default)
    {
        return await GetPagesAsync<AccessLogEntry>(patient, $"/v1/records/access-log?patient={patient.Account}&limit={pageSize}", ct);
    }

    /// <summary>Every grant the patient gave, revoked and expired ones included, in id order.</summary>
    public async Task<IReadOnlyList<ConsentGrant>> GrantsAsync(AccountId patient, CancellationToken ct = default) =>
        await node.QueryAllAsync<GrantList, ConsentGrant>(Contract, "grants", new CborMap { ["patient"] = patient.ToString() }, ct: ct).ToListAsync(ct);

    private async Task UploadAsync(SigningKey author, SealedVersion version, CancellationToken ct)
    {
        using var request = SignedHttp.Post(author, $"/v1/records/{version.Record}/versions/{version.Version}/content",
            new RecordContentUpload(Convert.ToBase64String(version.Ciphertext), Convert.ToBase64String(version.Keys.Encode())));
        await SendAsync<JsonObject>(request, ct);
    }

    private async Task<byte[]> PublicKeyAsync(AccountId account, CancellationToken ct) =>
        await TryPublicKeyAsync(account, ct) ?? throw new RecordException($"{account} has not published a key yet (careledger record publish-key)");

    private async Task<byte[]?> TryPublicKeyAsync(AccountId account, CancellationToken ct) =>
        (await node.GetStateAsync(PublishedKey.Key(account), ct))?.PublicKey;

    /// <summary>The node service accounts of the patient's organisation that published a key: they hold the emergency copy.</summary>
    private async Task<IReadOnlyList<AccountId>> EmergencyAccountsAsync(SigningKey author, AccountId patient, CancellationToken ct)
    {
        // A patient's organisation is known to the patient and to those they gave a grant: the author asks as themselves.
        var member = await node.As(author).GetAccountAsync(patient, ct);
        if (member.Organisation is null) return [];
        var accounts = await OrganisationAccountsAsync(member.Organisation, ["service"], ct);
        var withKeys = new List<AccountId>();
        foreach (var a in accounts) if (await TryPublicKeyAsync(a, ct) is not null) withKeys.Add(a);
        return withKeys;
    }

    /// <summary>The accounts of the organisation's members in these roles, role by role.</summary>
    private async Task<IReadOnlyList<AccountId>> OrganisationAccountsAsync(string org, IReadOnlyList<string> roles, CancellationToken ct)
    {
        var members = await new MembershipClient(node).StaffAsync(org, ct: ct);
        return [.. roles.SelectMany(role => members.Where(m => m.Role == role)).Select(m => m.Account)];
    }

    /// <summary>Every item of a paged list, each page a signed GET, following the node's Link rel=next headers.</summary>
    private async Task<IReadOnlyList<T>> GetPagesAsync<T>(SigningKey signer, string path, CancellationToken ct)
    {
        var items = new List<T>();
        for (string? next = path; next is not null;)
        {
            using var request = SignedHttp.Get(signer, next);
            using var response = await node.Http.SendAsync(request, ct);
            items.AddRange(await NodeClient.ReadAsync<List<T>>(response, ct));
            next = NodeClient.NextLink(response) is { } link ? "/" + link : null;
        }
        return items;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await node.Http.SendAsync(request, ct);
        return await NodeClient.ReadAsync<T>(response, ct);
    }

    private static SubmitResponse Check(SubmitResponse sent)
    {
        if (sent.Receipt is null) throw new RecordException($"transaction {sent.Id} is still pending");
        if (sent.Receipt.Valid != true) throw new RecordException(sent.Receipt.Reason ?? "refused");
        return sent;
    }
}
