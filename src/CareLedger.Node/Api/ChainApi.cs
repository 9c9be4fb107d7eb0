using CareLedger.Node.Chain;
using CareLedger.Ledger.Verification;
using CareLedger.Ledger.Storage;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Chain;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Api;

/// <summary>The chain's head, accounts, raw state and the contracts' read-only queries.</summary>
public static class ChainApi
{
    public static void MapChainApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Chain and state").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/chain", Chain).WithSummary("Chain id, head block, validators and pool size");
        group.MapGet("/accounts/{account}", Account).WithSummary("An account's last used nonce and membership");
        group.MapGet("/state", Scan).WithSummary("State entries under a key prefix");
        group.MapGet("/state/{**key}", Get).WithSummary("One state entry").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/contracts", Contracts).WithSummary("Every contract's actions (argument shapes, callers) and queries");
        group.MapPost("/contracts/{contract}/queries/{query}", Query).RequireRateLimiting(RateLimits.Reads).WithSummary("Ask a contract a read-only question (JSON arguments)")
            .Documents<JsonObject>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static ChainInfoDto Chain(LedgerChain chain, TransactionPool pool, IValidatorSet validators, ILedgerStore store)
    {
        var head = chain.Head;
        return new ChainInfoDto(chain.Genesis.ChainId, head.Height, head.Hash().ToString(), head.StateRoot.ToString(), head.Time,
            pool.Count, validators.Read(store).Select(v => v.ToString()).Order().ToList());
    }

    private static Results<Ok<AccountDto>, ProblemHttpResult> Account(string account, ILedgerStore store, LedgerReader ledger)
    {
        if (!AccountId.TryParse(account, out var id)) return Problems.Bad("Bad account id", "An account id is 64 hex characters.");
        var nonce = ContractRuntime.LastNonce(store, id);
        var member = ledger.FindMember(id);
        return TypedResults.Ok(new AccountDto(id.ToString(), nonce, member is not null, member?.Organisation, member?.Role, member?.Name));
    }

    private static Results<Ok<StateEntryDto>, ProblemHttpResult> Get(string key, ILedgerStore store)
    {
        var value = store.Get(key);
        if (value is null) return Problems.NotFound("No such state entry", $"Nothing is stored under '{key}'.");
        return TypedResults.Ok(new StateEntryDto(key, ToJson(value)));
    }

    private static Results<Ok<List<StateEntryDto>>, ProblemHttpResult> Scan(string? prefix, int? limit, ILedgerStore store)
    {
        if (string.IsNullOrEmpty(prefix)) return Problems.Bad("Prefix required", "Give ?prefix=, for example membership/org/.");
        var entries = store.Scan(prefix).Take(Math.Clamp(limit ?? 100, 1, 1000)).Select(e => new StateEntryDto(e.Key, ToJson(e.Value))).ToList();
        return TypedResults.Ok(entries);
    }

    private static List<ContractDto> Contracts(ContractRuntime runtime) => runtime.Contracts.OrderBy(c => c.Name).Select(c => new ContractDto(c.Name,
        c.Actions.Select(a => new ContractActionDto(a.Name, a.Callers, a.Args.Select(Describe).ToList())).ToList(),
        c.Queries.Select(q => new ContractQueryDto(q.Name, q.Args.Select(Describe).ToList())).ToList())).ToList();

    private static ArgDto Describe(ArgSpec a) => new(a.Name, a.Kind.ToString().ToLowerInvariant(), a.Optional);

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> Query(string contract, string query, HttpRequest request, ContractRuntime runtime, LedgerReader ledger, ILedgerStore store, CancellationToken ct)
    {
        CborMap args;
        try
        {
            using var body = new StreamReader(request.Body);
            var text = await body.ReadToEndAsync(ct);
            var json = string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text) as JsonObject;
            if (json is null) return Problems.Bad("Malformed arguments", "Arguments must be a JSON object.");
            args = CborMapJson.FromJson(json);
        }
        catch (JsonException) { return Problems.Bad("Malformed arguments", "The body is not valid JSON."); }
        catch (CborMapException e) { return Problems.Bad("Malformed arguments", e.Message); }

        // Any contract's answer, by name: the record types are known to the contracts, not here, so the answer is shown in
        // its CBOR form, which the record JSON test holds to be what the typed endpoints serve for the same record.
        var answer = runtime.Query(store, contract, query, args, ledger.Now, out var error);
        if (answer is null)
            return error!.StartsWith("unknown contract", StringComparison.Ordinal) || error.Contains("has no query", StringComparison.Ordinal)
                ? Problems.NotFound("Unknown query", error)
                : Problems.Bad("Bad arguments", error);
        return TypedResults.Ok(CborMapJson.ToJson(answer));
    }

    private static JsonNode ToJson(byte[] value)
    {
        try { return CborMapJson.ToJson(CborMap.Decode(value)); }
        catch (CborMapException) { return new JsonObject { ["$base64"] = Convert.ToBase64String(value) }; }
    }
}
