using CareLedger.Client.Api;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Records;

namespace CareLedger.Client.Records;

/// <summary>A SMART app's request waiting for the patient (ADR 0025): the app, its ledger account, and the record types it asks to read.</summary>
public sealed record AppRequest(string Id, string ClientId, string App, string AppAccount, IReadOnlyList<string> Types, DateTimeOffset Expires);

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

    /// <summary>Grants the app <paramref name="types"/> (a subset of what it asked) until <paramref name="until"/>, and answers the request with that grant.</summary>
    public async Task<AppDecision> ApproveAsync(IAccountKey patient, AppRequest request, IReadOnlyList<string> types, DateTimeOffset until, CancellationToken ct = default)
    {
        if (types.Count == 0 || types.Except(request.Types).Any()) throw new RecordException("choose at least one of the kinds of record the app asked for, and no other");
        var grant = await new RecordsClient(node).GrantAsync(patient, request.AppAccount, null, "treatment", [], types, until, ct);
        using var response = await node.SendSignedAsync(a => SignedHttp.Post(patient, a, $"/fhir/auth/requests/{Uri.EscapeDataString(request.Id)}/approve", new Answer(grant)), ct);
        return await NodeClient.ReadAsync<AppDecision>(response, ct);
    }

    public async Task<AppDecision> DenyAsync(IAccountKey patient, string requestId, CancellationToken ct = default)
    {
        using var response = await node.SendSignedAsync(a => SignedHttp.Post(patient, a, $"/fhir/auth/requests/{Uri.EscapeDataString(requestId)}/deny", new Answer(null)), ct);
        return await NodeClient.ReadAsync<AppDecision>(response, ct);
    }

    private sealed record Answer(string? Grant);
}
