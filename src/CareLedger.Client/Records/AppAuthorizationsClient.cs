using CareLedger.Client.Api;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Records;

namespace CareLedger.Client.Records;

/// <summary>
/// A SMART app's request waiting for the patient (ADR 0025): the app, its ledger account, the record types it asks to read, and
/// whether it asks to renew its access on its own while the grant lasts (a refresh token), rather than asking the patient again each hour.
/// </summary>
public sealed record AppRequest(string Id, string ClientId, string App, string AppAccount, IReadOnlyList<string> Types, DateTimeOffset Expires,
    bool RenewsOnItsOwn = false);

/// <summary>Where the browser goes after the patient's answer: the app's redirect URI with a code or an error.</summary>
public sealed record AppDecision(string Redirect);

/// <summary>
/// The patient's answer to a SMART app (ADR 0025). Approving signs a grant on the ledger to the app's account for the record
/// types the patient lets it read (wrapping their keys for the app, as any grant does), then tells the node which grant
/// answers the request; the node issues the app's one-time code only for that grant.
/// </summary>
public sealed class AppAuthorizationsClient(NodeClient node)
{
    public async Task<AppRequest> GetAsync(IAccountKey patient, string requestId, CancellationToken ct = default)
    {
        using var response = await node.SendSignedAsync(a => SignedHttp.Get(patient, a, $"/fhir/auth/requests/{Uri.EscapeDataString(requestId)}"), ct);
        return await NodeClient.ReadAsync<AppRequest>(response, ct);
    }

    /// <summary>
    /// Grants the app <paramref name="types"/> (a subset of what it asked) until <paramref name="until"/>, read-only (purpose
    /// <c>app</c>), and answers the request with that grant. No grant is left behind by a failed approval: the request is
    /// fetched again just before granting (so one answered or expired meanwhile costs no grant), and if the node still
    /// refuses the approval the grant just made is revoked. A grant in force to the same app that gives exactly these types
    /// and ends within a day of <paramref name="until"/> is reused rather than piling up another (an app that asks again,
    /// e.g. after the node restarted, needs no new consent transaction).
    /// </summary>
    public async Task<AppDecision> ApproveAsync(IAccountKey patient, AppRequest request, IReadOnlyList<string> types, DateTimeOffset until, CancellationToken ct = default)
    {
        if (types.Count == 0 || types.Except(request.Types).Any()) throw new RecordException("choose at least one of the kinds of record the app asked for, and no other");
        request = await GetAsync(patient, request.Id, ct); // 404 if it was answered or expired meanwhile: nothing is granted
        if (types.Except(request.Types).Any()) throw new RecordException("the app's request changed; start again from the app");
        var records = new RecordsClient(node.As(patient));
        var reused = await FindReusableAsync(records, patient, request, types, until, ct);
        var grant = reused ?? await records.GrantAsync(patient, request.AppAccount, null, Purposes.App, [], types, until, ct);
        try
        {
            using var response = await node.SendSignedAsync(a => SignedHttp.Post(patient, a, $"/fhir/auth/requests/{Uri.EscapeDataString(request.Id)}/approve", new Answer(grant)), ct);
            return await NodeClient.ReadAsync<AppDecision>(response, ct);
        }
        catch when (reused is null)
        {
            // The consent was for this request only; with the request gone, so is the reason for the grant.
            await records.RevokeAsync(patient, grant, CancellationToken.None);
            throw;
        }
    }

    /// <summary>A grant in force to the app's account, purpose app, giving exactly <paramref name="types"/> of what it asks, ending within a day of <paramref name="until"/>.</summary>
    private static async Task<string?> FindReusableAsync(RecordsClient records, IAccountKey patient, AppRequest request, IReadOnlyList<string> types, DateTimeOffset until,
        CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var wanted = types.ToHashSet(StringComparer.Ordinal);
        var grants = await records.GrantsAsync(patient.Account, ct);
        return grants.Where(g => g.Grantee?.ToString() == request.AppAccount && g.Purpose == Purposes.App && !g.Revoked && g.Records.Count == 0
                && DateTimeOffset.FromUnixTimeMilliseconds(g.Expiry) is var ends && ends > now.AddMinutes(5) && (ends - until).Duration() <= TimeSpan.FromDays(1)
                && wanted.SetEquals(g.Types.Intersect(request.Types)))
            .OrderByDescending(g => g.Expiry).FirstOrDefault()?.Id;
    }

    public async Task<AppDecision> DenyAsync(IAccountKey patient, string requestId, CancellationToken ct = default)
    {
        using var response = await node.SendSignedAsync(a => SignedHttp.Post(patient, a, $"/fhir/auth/requests/{Uri.EscapeDataString(requestId)}/deny", new Answer(null)), ct);
        return await NodeClient.ReadAsync<AppDecision>(response, ct);
    }

    private sealed record Answer(string? Grant);
}
