using CareLedger.Contracts.Records;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;

using CareLedger.Vault.Storage;

namespace CareLedger.Node.Records;

/// <summary>
/// The vault follows the ledger's deletions, on every node, for the original and every copy (ADR 0022). Crypto-shredding:
/// once a patient's erase transaction is in a block, the vault deletes the record's ciphertexts and wrapped keys (its key
/// sets too); the ledger keeps only hashes, so the chain still verifies. Forgetting: once a revoke is in a block, the vault
/// deletes the keys the grant's grantees held, as <c>DELETE /v1/records/grants/{g}/keys</c> does on the patient's node.
/// </summary>
public sealed class VaultShredder(LedgerReader ledger, VaultStore vault, RecordContent content, ILogger<VaultShredder> log) : INodeStartup
{
    public void BeforeOrdering(LedgerChain chain)
    {
        Sweep();
        chain.BlockCommitted += OnBlockCommitted;
    }

    public void OnBlockCommitted(Block block)
    {
        foreach (var result in block.Results)
            foreach (var e in result.Events.Where(e => e.Contract == "records"))
            {
                if (e.Name == "RecordErased") Shred(e.Attributes.GetText("record"), RecordLedger.Find(ledger.State, e.Attributes.GetText("record"))?.Patient);
                else if (e.Name == "ConsentRevoked") Forget(AccountId.Parse(e.Attributes.GetText("patient")), e.Attributes.GetText("grant"));
            }
    }

    /// <summary>Shreds erased records whose erasure landed while the node was down.</summary>
    public void Sweep()
    {
        foreach (var (_, record) in ledger.State.Scan(MedicalRecord.All))
            if (record.Erased) Shred(record.Id, record.Patient);
    }

    private void Shred(string recordId, AccountId? patient)
    {
        vault.Shred(recordId, patient);
        log.LogInformation("Record {Record} erased: ciphertext and wrapped keys deleted", recordId);
    }

    // At the head's time at least (the revoke's block or later): this node's clock may trail the leader's, and the revoke holds from its block.
    private void Forget(AccountId patient, string grantId)
    {
        if (ledger.State.Get(ConsentGrant.Key(patient, grantId)) is not { Revoked: true } grant) return;
        var deleted = content.Forget(grant, ledger.NotBeforeHead);
        if (deleted > 0) log.LogInformation("Grant {Grant} revoked: {Count} wrapped keys its grantees held deleted", grantId, deleted);
    }
}
