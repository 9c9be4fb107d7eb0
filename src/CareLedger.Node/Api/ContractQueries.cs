using System.Text.Json;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Node.Api;

/// <summary>Reads a contract's answer as the DTO the read API serves.</summary>
public static class ContractQueries
{
    public static T As<T>(CborMap answer) => CborMapJson.ToJson(answer).Deserialize<T>(JsonSerializerOptions.Web)!;
}
