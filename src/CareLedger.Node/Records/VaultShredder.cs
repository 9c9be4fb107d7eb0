using CareLedger.Contracts.Records;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Node.Chain;

using CareLedger.Vault.Storage;

namespace CareLedger.Node.Records;

/// <summary>
/// Crypto-shredding: once a patient's erase transaction is in a block, the vault deletes the
/// record's ciphertexts and wrapped keys. The ledger keeps only hashes, so the chain still verifies.
/// </summary>
public sealed class VaultShredder(LedgerReader ledger, VaultStore vault, ILogger<VaultShredder> log) : INodeStartup
{
    public void BeforeOrdering(LedgerChain chain)
    {
        Sweep();
        chain.BlockCommitted += OnBlockCommitted;
    }

    public void OnBlockCommitted(Block block)
    {
        foreach (var result in block.Results)
            foreach (var e in result.Events)
                if (e.Contract == "records" && e.Name == "RecordErased") Shred(e.Attributes.GetText("record"));
    }

    /// <summary>Shreds erased records whose erasure landed while the node was down.</summary>
    public void Sweep()
    {
        foreach (var (_, record) in ledger.State.Scan(MedicalRecord.All))
            if (record.Erased) Shred(record.Id);
    }

    private void Shred(string recordId)
    {
        vault.Shred(recordId);
        log.LogInformation("Record {Record} erased: ciphertext and wrapped keys deleted", recordId);
    }
}
