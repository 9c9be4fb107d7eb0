using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Verification;
using CareLedger.Ledger.Wire;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Api;

/// <summary>
/// The chain's head, accounts, raw state and the contracts' read-only queries. The head and the contracts' shapes are
/// public; an account's membership, raw state and query answers are served as the caller's signature allows (ADR 0011).
/// </summary>
public static class ChainApi
{
    public const int MaxArgumentBytes = 64 * 1024;

    public static void MapChainApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Chain and state").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/chain", Chain).AllowAnonymous().WithSummary("Chain id, head block, validators and pool size");
        group.MapGet("/accounts/{account}", Account).RequireAuthorization(Policies.Anyone)
            .WithSummary("An account's last used nonce, and its membership when the caller may know it (a patient's only to themselves, their organisation and overseers)");
        group.MapGet("/state", Scan).RequireAuthorization(Policies.Anyone).WithSummary("State entries under a key prefix: public prefixes for anyone, all state for overseers")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/state/{**key}", Get).RequireAuthorization(Policies.Anyone).WithSummary("One state entry: under a public prefix for anyone, any for overseers")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/contracts", Contracts).AllowAnonymous().WithSummary("Every contract's actions (argument shapes, callers) and queries");
        group.MapPost("/contracts/{contract}/queries/{query}", Query).RequireAuthorization(Policies.Anyone).RequireRateLimiting(RateLimits.Reads)
            .WithSummary("Ask a contract a read-only question (JSON arguments); each query answers its own audience")
            .Documents<JsonObject>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// State that names no person and describes no one's health: organisations, validators and proposals, published
    /// public keys, licences, practitioners' profiles and ratings, the platform's terms, assets and adherence programmes
    /// (slots are public through the services queries, which hide which booking took them).
    /// </summary>
    public static readonly IReadOnlyList<string> PublicPrefixes =
    [
        Organisation.KeyPrefix, Validator.KeyPrefix, StaffSeat.KeyPrefix, ValidatorProposal.KeyPrefix, PublishedKey.KeyPrefix, Licence.KeyPrefix,
        PractitionerProfile.KeyPrefix, Rating.KeyPrefix, ServicesTerms.Key.Value, Asset.KeyPrefix, AdherenceProgramme.KeyPrefix,
    ];

    public static bool IsPublic(string key) => PublicPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    /// <summary>
    /// Public one entry at a time, never as a list: every member who reads records publishes a key, so the list of
    /// published keys less the public staff lists would be the list of patients' accounts.
    /// </summary>
    private static bool IsUnlisted(string prefix) => prefix.StartsWith(PublishedKey.KeyPrefix, StringComparison.Ordinal);

    private static ChainInfoDto Chain(LedgerChain chain, TransactionPool pool, IValidatorSet validators, ILedgerStore store, NodeKeys keys)
    {
        var head = chain.Head;
        return new ChainInfoDto(chain.Genesis.ChainId, head.Height, head.Hash().ToString(), head.StateRoot.ToString(), head.Time,
            pool.Count, validators.Read(store).Select(v => v.ToString()).Order().ToList(), Convert.ToBase64String(keys.Validator.PublicKey));
    }

    /// <summary>A patient's membership is told to those the membership query answers, and to those the patient gave a grant (who write for them).</summary>
    private static Results<Ok<AccountDto>, ProblemHttpResult> Account(string account, ILedgerStore store, LedgerReader ledger, ClaimsPrincipal user)
    {
        if (!AccountId.TryParse(account, out var id)) return Problems.Bad("Bad account id", "An account id is 64 hex characters.");
        var nonce = ContractRuntime.LastNonce(store, id);
        var member = ledger.FindMember(id);
        // The nonce is what a sender needs; who the account is, only those the membership query answers.
        if (member is not null && !ledger.MayAsk(user.Asker(), "membership", "member", new CborMap { ["account"] = id.ToString() })
            && !ledger.MayAsk(user.Asker(), "records", "grants", new CborMap { ["patient"] = id.ToString() }))
            return TypedResults.Ok(new AccountDto(id.ToString(), nonce, true, null, null, null));
        return TypedResults.Ok(new AccountDto(id.ToString(), nonce, member is not null, member?.Organisation, member?.Role, member?.Name));
    }

    private static Results<Ok<StateEntryDto>, ProblemHttpResult> Get(string key, ILedgerStore store, ClaimsPrincipal user)
    {
        if (!IsPublic(key) && !user.Oversees()) return Problems.Refused(user, $"'{key}' is not public state: only the consortium's nodes and auditors read it raw.");
        var value = store.Get(key);
        if (value is null) return Problems.NotFound("No such state entry", $"Nothing is stored under '{key}'.");
        return TypedResults.Ok(new StateEntryDto(key, ToJson(value)));
    }

    /// <summary>
    /// A page of entries (default 100, at most 1,000) after the key <paramref name="after"/>; when more may follow, a
    /// <c>Link: &lt;…&gt;; rel="next"</c> header gives the next page's address. The store reads only the page.
    /// </summary>
    private static Results<Ok<List<StateEntryDto>>, ProblemHttpResult> Scan(string? prefix, int? limit, string? after, ILedgerStore store, ClaimsPrincipal user, HttpResponse response)
    {
        if (string.IsNullOrEmpty(prefix)) return Problems.Bad("Prefix required", "Give ?prefix=, for example membership/org/.");
        if (!IsPublic(prefix) && !user.Oversees())
            return Problems.Refused(user, $"'{prefix}' is not a public prefix ({string.Join(", ", PublicPrefixes)}): only the consortium's nodes and auditors read the rest raw.");
        if (IsUnlisted(prefix) && !user.Oversees())
            return Problems.Refused(user, "Published keys are read one account at a time (/v1/state/records/key/{account}): listing them would tell patients' accounts apart from staff's.");
        var pageSize = Math.Clamp(limit ?? 100, 1, 1000);
        var page = store.Scan(prefix, after, pageSize);
        if (page.Count == pageSize)
            response.Headers.Link = $"</v1/state?prefix={Uri.EscapeDataString(prefix)}&limit={pageSize}&after={Uri.EscapeDataString(page[^1].Key)}>; rel=\"next\"";
        return TypedResults.Ok(page.Select(e => new StateEntryDto(e.Key, ToJson(e.Value))).ToList());
    }

    private static List<ContractDto> Contracts(ContractRuntime runtime) => runtime.Contracts.OrderBy(c => c.Name).Select(c => new ContractDto(c.Name,
        c.Actions.Select(a => new ContractActionDto(a.Name, a.Callers, a.Args.Select(Describe).ToList())).ToList(),
        c.Queries.Select(q => new ContractQueryDto(q.Name, q.Args.Select(Describe).ToList())).ToList())).ToList();

    private static ArgDto Describe(ArgSpec a) => new(a.Name, a.Kind.ToString().ToLowerInvariant(), a.Optional);

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Query(string contract, string query, HttpRequest request, LedgerReader ledger, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await RequestBodies.ReadAsync(request, MaxArgumentBytes, ct);
        if (body is null) return Problems.TooLarge(MaxArgumentBytes);
        if (body.Length == 0) return Problems.Bad("Malformed arguments", "Send the arguments as a JSON object ({} for none).");
        CborMap args;
        try
        {
            // Parsed from the bytes, not from a decoded string: invalid UTF-8 is an error, not a replacement character.
            if (JsonNode.Parse(body) is not JsonObject json) return Problems.Bad("Malformed arguments", "Arguments must be a JSON object.");
            args = CborMapJson.FromJson(json);
        }
        catch (JsonException) { return Problems.Bad("Malformed arguments", "The body is not valid JSON."); }
        catch (CborMapException e) { return Problems.Bad("Malformed arguments", e.Message); }

        // Any contract's answer, by name: the record types are known to the contracts, not here, so the answer is shown in
        // its CBOR form, which the record JSON test holds to be what the typed endpoints serve for the same record.
        var answer = ledger.AskAs(user.Asker(), contract, query, args, out var error, out var refused);
        if (answer is not null) return TypedResults.Ok(CborMapJson.ToJson(answer));
        if (refused) return Problems.Refused(user, error! + ".");
        return error!.StartsWith("unknown contract", StringComparison.Ordinal) || error.Contains("has no query", StringComparison.Ordinal)
            ? Problems.NotFound("Unknown query", error)
            : Problems.Bad("Bad arguments", error);
    }

    private static JsonNode ToJson(byte[] value)
    {
        try { return CborMapJson.ToJson(CborMap.Decode(value)); }
        catch (CborMapException) { return new JsonObject { ["$base64"] = Convert.ToBase64String(value) }; }
    }
}
