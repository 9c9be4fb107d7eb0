using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Tokens;

/// <summary>
/// A transfer or a mint, kept under each account it touches at tokens/transfer/{account}/{block height}/{transaction}, so a member
/// can read their own wallet's history (tokens.transfers) without anyone scanning blocks; <c>From</c> is null for a mint.
/// Escrow movements are not here: the contract holding the escrow (a booking, a prescription) tells those.
/// </summary>
public sealed record TokenTransfer(string Asset, AccountId? From, AccountId To, long Amount, string Memo, long Time, string Transaction)
    : ICborRecord<TokenTransfer>
{
    public const string KeyPrefix = "tokens/transfer/";

    public static StatePrefix<TokenTransfer> Of(AccountId account) => new($"{KeyPrefix}{account}/");

    public static StateKey<TokenTransfer> Key(AccountId account, ulong height, string transaction) => new($"{KeyPrefix}{account}/{height:D12}/{transaction}");

    /// <summary>Keeps the transfer under the sender's account (if any) and the recipient's, in block order.</summary>
    public void Record(ContractState state, ulong height)
    {
        if (From is { } from) state.Put(Key(from, height, Transaction), this);
        state.Put(Key(To, height, Transaction), this);
    }

    public CborMap ToCbor()
    {
        var map = new CborMap { ["asset"] = Asset, ["to"] = To.ToString(), ["amount"] = Amount, ["memo"] = Memo, ["time"] = Time, ["transaction"] = Transaction };
        if (From is { } from) map["from"] = from.ToString();
        return map;
    }

    public static TokenTransfer FromCbor(CborMap map) => CborFields.Read(map, static f => new TokenTransfer(
        f.Text("asset"), f.OptionalAccount("from"), f.Account("to"), f.Int("amount"), f.Text("memo"), f.Int("time"), f.Text("transaction")));
}

/// <summary>The answer to tokens.transfers: a page of the account's transfers and mints, oldest first.</summary>
public sealed record TransferList(IReadOnlyList<TokenTransfer> Transfers, string Next) : ICborRecord<TransferList>, IQueryPage<TokenTransfer>
{
    IReadOnlyList<TokenTransfer> IQueryPage<TokenTransfer>.Items => Transfers;

    public CborMap ToCbor() => new() { ["transfers"] = CborRecord.List(Transfers), ["next"] = Next };

    public static TransferList FromCbor(CborMap map) => CborFields.Read(map, static f => new TransferList(f.Records<TokenTransfer>("transfers"), f.Text("next")));
}
