using Microsoft.Extensions.Options;
using CareLedger.Node.Chain;
using System.Text.Json;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;

using System.Security.Claims;
using CareLedger.Node.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Api;

/// <summary>Submitting signed transactions and reading their receipts.</summary>
public static class TransactionsApi
{
    public const int MaxBodyBytes = 128 * 1024;

    public static void MapTransactionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/transactions").WithTags("Transactions").ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/", Submit).AllowAnonymous()
            .Documents<SubmitRequest>("application/json", "application/cbor")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Submit a signed transaction")
            .WithDescription("Body: JSON {\"transaction\": base64 envelope} or the raw envelope as application/cbor. " +
                             "With wait=true the answer comes once the block holding it is durable (or 202 on timeout).");
        group.MapGet("/{id}", GetReceipt).RequireAuthorization(Policies.Anyone)
            .WithSummary("A transaction's receipt: committed (valid or invalid, with events, to its sender and overseers), pending or unknown")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<SubmitResponse>, Accepted<SubmitResponse>, ProblemHttpResult>> Submit(HttpRequest request, TransactionPool pool, IOptions<NodeOptions> options, NodeMetrics metrics, bool? wait, int? timeoutSeconds, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        if (body.Problem is not null) return body.Problem;
        byte[] envelope;
        if (request.ContentType?.StartsWith("application/cbor", StringComparison.OrdinalIgnoreCase) == true)
        {
            envelope = body.Bytes!;
        }
        else
        {
            try
            {
                var dto = JsonSerializer.Deserialize<SubmitRequest>(body.Bytes, RequestBodies.Json);
                if (string.IsNullOrEmpty(dto?.Transaction)) return Problems.Bad("Malformed request", "Expected {\"transaction\": \"<base64 envelope>\"}.");
                envelope = Convert.FromBase64String(dto.Transaction);
            }
            catch (JsonException) { return Problems.Bad("Malformed request", "The body is not valid JSON."); }
            catch (FormatException) { return Problems.Bad("Malformed request", "'transaction' is not valid base64."); }
        }

        if (!Transaction.TryDecode(envelope, out var tx, out var error))
        {
            metrics.Rejected();
            return Problems.Bad("Malformed transaction", error);
        }
        var result = pool.Submit(tx!);
        switch (result.Status)
        {
            case SubmitStatus.Full:
                metrics.PoolFull();
                request.HttpContext.Response.Headers.RetryAfter = "1";
                return Problems.TooMany(result.Reason!);
            case SubmitStatus.Rejected:
                metrics.Rejected();
                return Problems.Unprocessable("Transaction rejected", result.Reason!, new Dictionary<string, object?> { ["txId"] = tx!.Id.ToString() });
        }
        metrics.Accepted();

        var id = tx!.Id.ToString();
        if (wait != true) return TypedResults.Accepted($"/v1/transactions/{id}", new SubmitResponse(id, "pending", null));
        var limit = TimeSpan.FromSeconds(Math.Clamp(timeoutSeconds ?? options.Value.MaxWaitSeconds, 1, options.Value.MaxWaitSeconds));
        try
        {
            var receipt = await pool.WaitForCommitAsync(tx.Id, ct).WaitAsync(limit, ct);
            return TypedResults.Ok(new SubmitResponse(id, "committed", WireFormat.ToDto(receipt)));
        }
        catch (TransactionRejectedException e)
        {
            metrics.Rejected();
            return Problems.Unprocessable("Transaction rejected", e.Reason, new Dictionary<string, object?> { ["txId"] = id });
        }
        catch (TimeoutException)
        {
            return TypedResults.Accepted($"/v1/transactions/{id}", new SubmitResponse(id, "pending", null));
        }
    }

    private static async Task<Results<Ok<ReceiptDto>, ProblemHttpResult>> GetReceipt(string id, TransactionPool pool, LedgerReader ledger, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Hash256.TryParse(id, out var txId)) return Problems.Bad("Bad transaction id", "A transaction id is 64 hex characters.");
        // Pending first: a block is stored before its transactions leave the pool, so a transaction
        // that is not pending any more is found committed (the other order can miss it in between).
        var pending = pool.Contains(txId);
        if (await ledger.FindCommittedAsync(txId, ct) is { } committed)
        {
            var receipt = WireFormat.ToDto(committed.Receipt);
            // Where it is is public; whether it took effect, and what it did, only those it concerns and the overseers see.
            return TypedResults.Ok(TransactionAudience.Concerns(committed.Transaction, user.Asker(), ledger) ? receipt : receipt with { Valid = null, Reason = null, Events = null });
        }
        if (pending) return TypedResults.Ok(new ReceiptDto(id, "pending"));
        return Problems.NotFound("Unknown transaction", $"No transaction {id} is committed or pending on this node.");
    }

    private readonly record struct Body(byte[]? Bytes, ProblemHttpResult? Problem);

    private static async Task<Body> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var bytes = await RequestBodies.ReadAsync(request, MaxBodyBytes, ct);
        if (bytes is null) return new(null, Problems.TooLarge(MaxBodyBytes));
        return bytes.Length == 0 ? new(null, Problems.Bad("Empty request", "The body must carry a transaction.")) : new(bytes, null);
    }
}
