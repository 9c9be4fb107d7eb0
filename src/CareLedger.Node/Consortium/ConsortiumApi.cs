using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Cryptography;
using System.Formats.Cbor;
using System.Text.Json;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Api;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using CareLedger.Node.Chain;
using CareLedger.Node.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CareLedger.Node.Consortium;

/// <summary>The consortium's status for operators, and the leader's intake of transactions forwarded by other nodes.</summary>
public static class ConsortiumApi
{
    public const int MaxForwardBytes = 1024 * 1024;

    public static void MapConsortiumApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/consortium").WithTags("Consortium");
        group.MapGet("/status", Status).RequireAuthorization(Policies.StaffOrNode).WithSummary("Members, leader, heights and lag, as this node sees them (for the consortium's staff and nodes)")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/forward", Forward).RequireAuthorization(Policies.ConsortiumNode)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).WithSummary("Leader only: admit a batch of signed transactions another node received (CBOR array of envelopes)");
    }

    private static async Task<Ok<ConsortiumStatus>> Status(LedgerChain chain, ILedgerStore store, IValidatorSet validatorSet, NodeKeys keys, CancellationToken ct,
        [FromServices] ConsortiumOrderer? consortium = null)
    {
        var head = chain.Head.Height;
        var validators = (consortium?.Validators ?? validatorSet.Read(store)).Select(v => v.ToString()).Order().ToList();
        if (consortium is null)
        {
            return TypedResults.Ok(new ConsortiumStatus("solo", chain.Genesis.ChainId, keys.Account.ToString(), Convert.ToBase64String(keys.Validator.PublicKey), "leader", null, head, head, head, 1, null,
                [new MemberStatus(keys.Account.ToString(), OrganisationOf(store, keys.Account.ToString()), null, "leader", head, 0, true, null)], null, null));
        }
        var heartbeats = new Dictionary<string, MemberHeartbeat>();
        ulong logHeight = consortium.LogHeight;
        try
        {
            foreach (var beat in await consortium.Log.GetMembersAsync(ct)) heartbeats[beat.Validator] = beat;
            logHeight = Math.Max(logHeight, await consortium.Log.LastHeightAsync(ct) ?? 0);
        }
        catch (BlockLogException) { }
        heartbeats[consortium.Self.Validator] = consortium.Heartbeat();
        // Validators first (online or not), then nodes that follow without being validators (observers).
        var members = validators.Concat(heartbeats.Keys.Where(k => !validators.Contains(k)).Order()).Select(v => heartbeats.TryGetValue(v, out var b)
                ? new MemberStatus(v, OrganisationOf(store, v), b.Url, validators.Contains(v) || b.Role == "halted" ? b.Role : "observer", b.Height, logHeight > b.Height ? logHeight - b.Height : 0, true, b.Halted)
                : new MemberStatus(v, OrganisationOf(store, v), null, "offline", null, null, false, null))
            .ToList();
        return TypedResults.Ok(new ConsortiumStatus("consortium", chain.Genesis.ChainId, consortium.Self.Validator, Convert.ToBase64String(keys.Validator.PublicKey), consortium.Role.ToString().ToLowerInvariant(),
            consortium.Leader, head, logHeight, consortium.FinalHeight, consortium.Quorum, consortium.HaltReason, members, consortium.Clock.Skew, consortium.Waiting));
    }

    private static string? OrganisationOf(ILedgerStore store, string account) =>
        AccountId.TryParse(account, out var id) ? Members.FindMember(new ContractState(store, null, "query"), id)?.Organisation : null;

    private static async Task<Results<Ok<ForwardResponse>, ProblemHttpResult>> Forward(HttpRequest request, TransactionPool pool, LedgerReader ledger, CancellationToken ct,
        [FromServices] ConsortiumOrderer? consortium = null)
    {
        if (consortium is not { IsLeader: true })
            return TypedResults.Problem("This node does not lead the consortium; send transactions to the leader or any node's /v1/transactions.",
                statusCode: StatusCodes.Status409Conflict, title: "Not the leader",
                extensions: new Dictionary<string, object?> { ["leader"] = consortium?.Leader?.Url });
        byte[]? body;
        try { body = await RequestBodies.ReadAsync(request, MaxForwardBytes, ct); }
        catch (BadHttpRequestException) { return Problems.Bad("Malformed forward", "The request body ended early."); }
        if (body is null) return Problems.TooLarge(MaxForwardBytes);
        var envelopes = new List<byte[]>();
        try
        {
            var reader = new CborReader(body);
            var count = reader.ReadStartArray() ?? throw new FormatException("indefinite array");
            for (var i = 0; i < count; i++) envelopes.Add(reader.ReadByteString());
            reader.ReadEndArray();
            if (reader.BytesRemaining != 0) throw new FormatException("trailing bytes");
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException)
        {
            return Problems.Bad("Malformed forward", "Expected a CBOR array of transaction envelopes.");
        }
        var results = new ForwardResult[envelopes.Count];
        for (var i = 0; i < envelopes.Count; i++)
            results[i] = Transaction.TryDecode(envelopes[i], out var tx, out var error)
                ? await ForwardResult.AdmitAsync(pool, tx!, async (id, c) => await ledger.FindReceiptAsync(id, c) is not null, ct)
                : new("rejected", error);
        return TypedResults.Ok(new ForwardResponse(results));
    }
}

/// <summary>
/// What a node says about the consortium; <c>SelfKey</c> is its validator public key (base64 SubjectPublicKeyInfo), what a vote to let its
/// organisation join names; <c>ClockSkewMs</c> its clock minus the median of the other nodes'; <c>Waiting</c> why its next block waits for its clock.
/// </summary>
public sealed record ConsortiumStatus(string Mode, string ChainId, string Self, string SelfKey, string Role, LeaderInfo? Leader, ulong Height, ulong LogHeight,
    ulong FinalHeight, int Quorum, string? Halted, IReadOnlyList<MemberStatus> Members, long? ClockSkewMs, string? Waiting);

public sealed record MemberStatus(string Validator, string? Organisation, string? Url, string Role, ulong? Height, ulong? Lag, bool Online, string? Halted);
