using System.Text.Json;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Hosting;

namespace CareLedger.Node.Api;

/// <summary>Asks a contract a question the endpoint has already validated, and reads the answer as a DTO.</summary>
public static class ContractQueries
{
    /// <summary>Arguments are checked before asking, so a refusal here is a bug, not bad input.</summary>
    public static CborMap Ask(LedgerNode node, string contract, string query, CborMap args) =>
        node.Runtime.Query(node.Store, contract, query, args, node.Clock.GetUtcNow().ToUnixTimeMilliseconds(), out var error)
        ?? throw new InvalidOperationException($"{contract}.{query} refused checked arguments: {error}");

    public static T As<T>(CborMap answer) => CborMapJson.ToJson(answer).Deserialize<T>(JsonSerializerOptions.Web)!;
}
