using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;
using CareLedger.Ledger.Verification;

namespace CareLedger.Ledger.Wire;

/// <summary>Converts ledger types to and from their JSON wire form.</summary>
public static class WireFormat
{
    public const string ProofFormat = "careledger-proof/1";

    public static ReceiptDto ToDto(Receipt r) => new(
        r.TxId.ToString(), "committed", r.Height, r.Index, r.BlockHash.ToString(), r.BlockTime,
        r.Result.Valid, r.Result.Reason, r.Result.Events.Select(ToDto).ToList());

    public static EventDto ToDto(ContractEvent e) => new(e.Contract, e.Name, CborMapJson.ToJson(e.Attributes));

    public static SignatureDto ToDto(BlockSignature s) =>
        new(s.Validator.ToString(), Convert.ToBase64String(s.ValidatorKey), Convert.ToBase64String(s.Signature));

    public static BlockDto ToDto(Block b) => new(
        b.Height, b.Hash.ToString(), b.Header.PreviousHash.ToString(), b.Header.TransactionsRoot.ToString(),
        b.Header.StateRoot.ToString(), b.Header.DirectoryRoot.ToString(), b.Header.Time, b.Header.Proposer.ToString(),
        b.Transactions.Select((tx, i) => new BlockTxDto(tx.Id.ToString(), tx.Sender.ToString(), tx.Nonce, tx.Contract, tx.Action,
            CborMapJson.ToJson(tx.Args), b.Results[i].Valid, b.Results[i].Reason)).ToList(),
        b.Signatures.Select(ToDto).ToList());

    public static ProofDto ToDto(TransactionProof p, string chainId, Hash256 txId) => new(
        ProofFormat, chainId, p.Header.Height, p.Header.Hash().ToString(), txId.ToString(),
        Convert.ToBase64String(p.Header.Encode()), Convert.ToBase64String(p.Transaction), Convert.ToBase64String(p.Result.Encode()),
        p.Path.Select(s => new ProofStepDto(s.Sibling.ToString(), s.SiblingOnLeft)).ToList(),
        p.Signatures.Select(ToDto).ToList());

    public static DirectoryProofDto ToDto(SignedDirectoryProof p) => new(
        p.Proof.Group, p.Header.Height,
        p.Proof.Entries.Select(e => new DirectoryEntryDto(e.Key, Convert.ToBase64String(e.Value))).ToList(),
        p.Proof.Path.Select(s => new ProofStepDto(s.Sibling.ToString(), s.SiblingOnLeft)).ToList(),
        Convert.ToBase64String(p.Header.Encode()), p.Signatures.Select(ToDto).ToList());

    /// <summary>Rebuilds a directory proof from its wire form; throws <see cref="FormatException"/> if any part is malformed.</summary>
    public static SignedDirectoryProof FromDto(DirectoryProofDto d)
    {
        try
        {
            var header = BlockHeader.Decode(Convert.FromBase64String(d.Header));
            var entries = d.Entries.Select(e => new KeyValuePair<string, byte[]>(e.Key, Convert.FromBase64String(e.Value))).ToList();
            var path = d.Path.Select(s => new MerkleStep(Hash256.Parse(s.Sibling), s.Left)).ToList();
            return new SignedDirectoryProof(header, new DirectoryProof(d.Group, entries, path, header.DirectoryRoot),
                d.Signatures.Select(s => new BlockSignature(Convert.FromBase64String(s.PublicKey), Convert.FromBase64String(s.Signature))).ToList());
        }
        catch (Exception e) when (e is System.Formats.Cbor.CborContentException or InvalidOperationException or ArgumentException or NullReferenceException)
        {
            throw new FormatException($"malformed directory proof: {e.Message}", e);
        }
    }

    /// <summary>Rebuilds a proof from its file form; throws <see cref="FormatException"/> if any part is malformed.</summary>
    public static TransactionProof FromDto(ProofDto d)
    {
        if (d.Format != ProofFormat) throw new FormatException($"unknown proof format '{d.Format}'");
        try
        {
            return new TransactionProof(
                BlockHeader.Decode(Convert.FromBase64String(d.Header)),
                Convert.FromBase64String(d.Transaction),
                TxResult.Decode(Convert.FromBase64String(d.Result)),
                d.Path.Select(s => new MerkleStep(Hash256.Parse(s.Sibling), s.Left)).ToList(),
                d.Signatures.Select(s => new BlockSignature(Convert.FromBase64String(s.PublicKey), Convert.FromBase64String(s.Signature))).ToList());
        }
        catch (Exception e) when (e is System.Formats.Cbor.CborContentException or InvalidOperationException or ArgumentException or CborMapException)
        {
            throw new FormatException($"malformed proof: {e.Message}", e);
        }
    }

    /// <summary>A proof file's plain-text labels are not signed: null when they say what the signed parts say, else what differs.</summary>
    public static string? Mislabelled(ProofDto file, TransactionProof proof, Transaction tx, ProofVerdict verdict)
    {
        if (file.TxId != verdict.TxId.ToString()) return $"the file names transaction {file.TxId}, but the transaction it holds is {verdict.TxId}";
        if (file.ChainId != tx.ChainId) return $"the file names chain '{file.ChainId}', but the transaction is for '{tx.ChainId}'";
        if (file.Height != proof.Header.Height || file.BlockHash != proof.Header.Hash().ToString())
            return "the file's block height or hash does not match the block header it holds";
        for (var i = 0; i < file.Signatures.Count; i++)
            if (file.Signatures[i].Validator != proof.Signatures[i].Validator.ToString())
                return $"the file says validator {file.Signatures[i].Validator} signed, but the key that signed is {proof.Signatures[i].Validator}'s";
        return null;
    }
}
