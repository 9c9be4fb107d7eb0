using System.Text.Json;
using System.Text.Json.Serialization;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;
using CareLedger.Ledger.Wire;

namespace CareLedger.Portal.Audit;

/// <summary>Why a receipt was not accepted.</summary>
public enum ReceiptFault { None, NotAReceipt, TooLarge, Empty, DoesNotVerify }

/// <summary>A receipt that verified: its transaction, what it did, how the ledger judged it, its block and who signed.</summary>
public sealed record VerifiedReceipt(string TxId, string Action, string? Refusal, ulong Height, int Signers, int Validators);

/// <summary>What checking a receipt found: the receipt, or the fault (with the checks' reason when it does not verify).</summary>
public sealed record ReceiptVerdict(bool Valid, ReceiptFault Fault, string? Reason = null, VerifiedReceipt? Proof = null)
{
    public static ReceiptVerdict Refused(ReceiptFault fault, string? reason = null) => new(false, fault, reason);
}

/// <summary>
/// Checks a receipt file (as the access log's "Save" or 'careledger proof get' writes it) in the page, as 'careledger proof
/// verify' does offline: the transaction's signature, its Merkle path to the block's root, a majority of the chain's
/// validators' signatures over the block (checked with WebCrypto), and that the file's unsigned labels match what is signed.
/// The validators trusted are those the node names now, as the receipt links trust them.
/// </summary>
public static class ReceiptCheck
{
    // Every field present, spelled exactly, and nothing else: the same reading as the CLI's.
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static async Task<ReceiptVerdict> VerifyAsync(string json, ChainInfoDto chain, ISignatureCheck signatures)
    {
        ProofDto file;
        TransactionProof proof;
        try
        {
            file = JsonSerializer.Deserialize<ProofDto>(json, Strict) ?? throw new FormatException("empty");
            proof = WireFormat.FromDto(file);
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException)
        {
            return ReceiptVerdict.Refused(ReceiptFault.NotAReceipt);
        }
        var validators = chain.Validators.Select(AccountId.Parse).ToHashSet();
        var verdict = await proof.VerifyAsync(signatures, validators, validators.Count / 2 + 1);
        if (!verdict.Valid) return Refused(verdict.Reason ?? "it does not verify");
        if (!Transaction.TryDecode(proof.Transaction, out var tx, out var error)) return Refused(error);
        if (WireFormat.Mislabelled(file, proof, tx!, verdict) is { } lie) return Refused(lie);
        if (tx!.ChainId != chain.ChainId) return Refused($"the transaction is for chain '{tx.ChainId}', this node's chain is '{chain.ChainId}'");
        return new(true, ReceiptFault.None, Proof: new VerifiedReceipt(verdict.TxId.ToString(), $"{tx.Contract}.{tx.Action}",
            proof.Result.Valid ? null : proof.Result.Reason ?? "", proof.Header.Height, verdict.Signers.Count, validators.Count));
    }

    private static ReceiptVerdict Refused(string reason) => ReceiptVerdict.Refused(ReceiptFault.DoesNotVerify, reason);
}
