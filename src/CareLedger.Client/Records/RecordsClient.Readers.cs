using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Vault.Records;

namespace CareLedger.Client.Records;

/// <summary>
/// Whom a record's data key is wrapped for, and with which keys: the readers in force (patient, author, grantees,
/// emergency holders), each public key checked against its account, and the patient's key of every key generation.
/// </summary>
public sealed partial class RecordsClient
{
    /// <summary>
    /// Whom a new data key is wrapped for: the patient, the author, every grantee a grant in force gives the record to (those
    /// who published a key) and, if the old key left one, the emergency holders.
    /// </summary>
    private async Task<List<(AccountId, byte[])>> ReadersInForceAsync(IAccountKey author, RecordEnvelope envelope, CancellationToken ct)
    {
        var patient = AccountId.Parse(envelope.Patient);
        var grantees = await GranteesAsync(author, patient, g => g.Records.Contains(envelope.Record) || g.Types.Contains(envelope.Type), ct);
        var holders = envelope.EmergencyCopy ? await EmergencyAccountsAsync(author, patient, ct) : [];
        var keys = new List<(AccountId, byte[])>();
        foreach (var reader in new[] { patient, author.Account }.Concat(holders).Distinct()) keys.Add((reader, await PublicKeyAsync(reader, ct)));
        foreach (var grantee in grantees.Except(keys.Select(k => k.Item1)))
            if (await TryPublicKeyAsync(grantee, ct) is { } granteeKey) keys.Add((grantee, granteeKey));
        return keys;
    }

    /// <summary>
    /// The patient's data key of each key generation of a record, named as a grant's wrapped keys are: "record" for the
    /// first, "record/generation" for later ones. A grantee reads every version, as the patient does.
    /// </summary>
    private async Task<List<(string Name, byte[] DataKey)>> GenerationKeysAsync(IAccountKey patient, string recordId, CancellationToken ct)
    {
        var (latest, latestKey) = await OpenAsync(patient, recordId, null, null, ct);
        var keys = new List<(string, byte[])> { (Name(latest.KeyGeneration), latestKey) };
        if (latest.KeyGeneration == 1) return keys;
        var earlier = (await HistoryAsync(patient, recordId, ct)).Versions
            .Where(v => v.Version < latest.KeyGeneration && v.KeysHash != RecordKeys.SameKey).Select(v => v.Version);
        foreach (var generation in earlier)
        {
            var (envelope, dataKey) = await OpenAsync(patient, recordId, generation, null, ct);
            keys.Add((Name(envelope.KeyGeneration), dataKey));
        }
        return keys;

        string Name(long generation) => generation == 1 ? recordId : $"{recordId}/{generation}";
    }

    private async Task<byte[]> PublicKeyAsync(AccountId account, CancellationToken ct) =>
        await TryPublicKeyAsync(account, ct) ?? throw new RecordException($"{account} has not published a key yet (careledger record publish-key)");

    /// <summary>The key the account published, refused unless it is the account's own: an account id is the hash of its key.</summary>
    private async Task<byte[]?> TryPublicKeyAsync(AccountId account, CancellationToken ct)
    {
        var key = (await node.GetStateAsync(PublishedKey.Key(account), ct))?.PublicKey;
        if (key is not null && AccountId.FromPublicKey(key) != account)
            throw new RecordException($"the node answered with a public key that is not {account}'s, so no record key was wrapped and nothing was sent");
        return key;
    }

    /// <summary>
    /// The nodes of the patient's organisation (its validators) that published a key: they hold the emergency copy, as
    /// the node opens it with its validator key to break the glass. None when the organisation runs no node.
    /// </summary>
    private async Task<IReadOnlyList<AccountId>> EmergencyAccountsAsync(IAccountKey author, AccountId patient, CancellationToken ct)
    {
        // A patient's organisation is known to the patient and to those they gave a grant: the author asks as themselves.
        var member = await node.As(author).GetAccountAsync(patient, ct);
        if (member.Organisation is null) return [];
        var seats = await Proven(new MembershipClient(node).ProvenValidatorsAsync(ct));
        var withKeys = new List<AccountId>();
        foreach (var seat in seats.Where(v => v.Organisation == member.Organisation))
            if (await TryPublicKeyAsync(seat.Account, ct) is not null) withKeys.Add(seat.Account);
        return withKeys;
    }

    /// <summary>Who the patient's treatment grants in force give records of this type to: grantees, or an organisation's clinical staff.</summary>
    private Task<IReadOnlyList<AccountId>> GranteesOfTypeAsync(IAccountKey patient, string type, CancellationToken ct) =>
        GranteesAsync(patient, patient.Account, g => g.Purpose == Purposes.Treatment && g.Types.Contains(type), ct);

    /// <summary>Who the patient's grants in force that <paramref name="cover"/> give records to, asked as <paramref name="asker"/> (the patient, or a writer they gave a grant).</summary>
    private async Task<IReadOnlyList<AccountId>> GranteesAsync(IAccountKey asker, AccountId patient, Func<ConsentGrant, bool> cover, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var grants = await node.As(asker).QueryAllAsync<GrantList, ConsentGrant>(Contract, "grants", new CborMap { ["patient"] = patient.ToString() }, ct: ct)
            .Where(g => !g.Revoked && g.Expiry > now && cover(g)).ToListAsync(ct);
        var accounts = new List<AccountId>();
        foreach (var g in grants)
            if (g.Grantee is { } one) accounts.Add(one);
            else accounts.AddRange(await OrganisationAccountsAsync(g.GranteeOrg!, ["practitioner", "pharmacist"], ct));
        return [.. accounts.Distinct()];
    }

    /// <summary>The accounts of the organisation's members in these roles, role by role, from the list proven against the chain.</summary>
    private async Task<IReadOnlyList<AccountId>> OrganisationAccountsAsync(string org, IReadOnlyList<string> roles, CancellationToken ct)
    {
        var members = await Proven(new MembershipClient(node).ProvenStaffAsync(org, ct));
        return [.. roles.SelectMany(role => members.Where(m => m.Role == role)).Select(m => m.Account)];
    }

    /// <summary>A list proven against the chain; one that cannot be is a refusal of the record action, with nothing sent.</summary>
    private static async Task<T> Proven<T>(Task<T> list)
    {
        try
        {
            return await list;
        }
        catch (DirectoryProofException e)
        {
            throw new RecordException(e.Message);
        }
    }
}
