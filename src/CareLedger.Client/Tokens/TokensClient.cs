using CareLedger.Client.Records;
using CareLedger.Client.Api;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Wire;

namespace CareLedger.Client.Tokens;

/// <summary>
/// The tokens contract over a node: assets, minting, transfers and balances. Each action is a signed
/// transaction that waits for its block and returns the receipt, or throws <see cref="ContractActionException"/>
/// with the contract's reason; each query returns its answer record, null for what does not exist.
/// </summary>
public sealed class TokensClient(NodeClient node)
{
    /// <summary>The same client, reading as <paramref name="key"/>'s holder (reads about people are answered to those they concern).</summary>
    public TokensClient As(IAccountKey key) => new(node.As(key));

    public const string Contract = "tokens";

    /// <summary>A new asset, issued by the signing admin's organisation, with nothing in circulation yet.</summary>
    public Task<ReceiptDto> CreateAssetAsync(IAccountKey admin, string symbol, string name, CancellationToken ct = default) =>
        node.CommitAsync(admin, Contract, "create-asset", new CborMap { ["asset"] = symbol, ["name"] = name }, ct);

    /// <summary>New units of an asset for an account; signed by an admin of the asset's issuer.</summary>
    public Task<ReceiptDto> MintAsync(IAccountKey admin, string asset, AccountId to, long amount, CancellationToken ct = default) =>
        node.CommitAsync(admin, Contract, "mint", new CborMap { ["asset"] = asset, ["to"] = to.ToString(), ["amount"] = amount }, ct);

    /// <summary>Moves units from the signer's balance, never overdrawing it; the memo, if any, is stored with the transfer.</summary>
    public Task<ReceiptDto> TransferAsync(IAccountKey from, string asset, AccountId to, long amount, string? memo = null, CancellationToken ct = default)
    {
        var args = new CborMap { ["asset"] = asset, ["to"] = to.ToString(), ["amount"] = amount };
        if (!string.IsNullOrEmpty(memo)) args["memo"] = memo;
        return node.CommitAsync(from, Contract, "transfer", args, ct);
    }

    public Task<AccountBalance> BalanceAsync(string asset, AccountId account, CancellationToken ct = default) =>
        node.QueryAsync<AccountBalance>(Contract, "balance", new CborMap { ["asset"] = asset, ["account"] = account.ToString() }, ct);

    public async Task<Asset?> GetAssetAsync(string symbol, CancellationToken ct = default) =>
        (await node.QueryAsync<Found<Asset>>(Contract, "asset", new CborMap { ["asset"] = symbol }, ct)).Value;

    /// <summary>What one escrow holds (see <see cref="TokenEscrow"/>); null when it holds nothing.</summary>
    public async Task<Escrow?> GetEscrowAsync(string holder, string id, CancellationToken ct = default) =>
        (await node.QueryAsync<Found<Escrow>>(Contract, "escrow", new CborMap { ["holder"] = holder, ["id"] = id }, ct)).Value;

    /// <summary>
    /// The account's transfers and mints, oldest first, as the node indexed them from committed blocks; asked signed, as the
    /// account itself (or an overseer), with the key this client reads as (<see cref="NodeClient.As"/>).
    /// </summary>
    public async Task<IReadOnlyList<TokenTransfer>> TransfersAsync(AccountId account, CancellationToken ct = default)
    {
        var signer = node.Reader ?? throw new InvalidOperationException("a wallet's history is read signed: give the client a key (NodeClient.As)");
        var all = new List<TokenTransfer>();
        for (var after = ""; ;)
        {
            var path = $"/v1/accounts/{account}/transfers?limit=1000" + (after.Length > 0 ? "&after=" + Uri.EscapeDataString(after) : "");
            using var response = await node.SendSignedAsync(a => SignedHttp.Get(signer, a, path), ct);
            var page = await NodeClient.ReadAsync<TransferList>(response, ct);
            all.AddRange(page.Transfers);
            if (page.Next.Length == 0 || page.Transfers.Count == 0) return all;
            after = page.Next;
        }
    }
}
