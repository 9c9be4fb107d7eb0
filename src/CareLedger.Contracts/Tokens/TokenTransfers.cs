using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Tokens;

/// <summary>
/// A transfer or a mint, as a wallet's history shows it (<c>From</c> is null for a mint). Not kept in state: each node
/// indexes them from committed blocks (the node's TransferHistory), so history costs a transfer nothing on the chain.
/// Escrow movements are not here: the contract holding the escrow (a booking, a prescription) tells those.
/// </summary>
public sealed record TokenTransfer(string Asset, AccountId? From, AccountId To, long Amount, string Memo, long Time, string Transaction)
    : ICborRecord<TokenTransfer>
{
    public CborMap ToCbor()
    {
        var map = new CborMap { ["asset"] = Asset, ["to"] = To.ToString(), ["amount"] = Amount, ["memo"] = Memo, ["time"] = Time, ["transaction"] = Transaction };
        if (From is { } from) map["from"] = from.ToString();
        return map;
    }

    public static TokenTransfer FromCbor(CborMap map) => CborFields.Read(map, static f => new TokenTransfer(
        f.Text("asset"), f.OptionalAccount("from"), f.Account("to"), f.Int("amount"), f.Text("memo"), f.Int("time"), f.Text("transaction")));
}

/// <summary>A page of an account's transfers and mints, oldest first (GET /v1/accounts/{account}/transfers); Next is the cursor of the next page, or "".</summary>
public sealed record TransferList(IReadOnlyList<TokenTransfer> Transfers, string Next) : ICborRecord<TransferList>, IQueryPage<TokenTransfer>
{
    IReadOnlyList<TokenTransfer> IQueryPage<TokenTransfer>.Items => Transfers;

    public CborMap ToCbor() => new() { ["transfers"] = CborRecord.List(Transfers), ["next"] = Next };

    public static TransferList FromCbor(CborMap map) => CborFields.Read(map, static f => new TransferList(f.Records<TokenTransfer>("transfers"), f.Text("next")));
}
