using CareLedger.Contracts.Records;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Api;

/// <summary>
/// Whom a committed transaction concerns, and so who may see its arguments, receipt and proof besides the overseers:
/// its sender, the patient it names, and the patient whose record reads a records.log-access transaction logs (the
/// node logs one patient's reads per transaction, so that proof shows no one else's).
/// </summary>
public static class TransactionAudience
{
    public static bool Concerns(Transaction tx, Asker asker, LedgerReader ledger)
    {
        if (asker.Oversees || (asker.Account is { } account && tx.Sender == account)) return true;
        if (asker.Account is null) return false;
        if (asker.Is(tx.Args.TryGetText("patient"))) return true;
        if (tx is not { Contract: "records", Action: "log-access" } || !tx.Args.TryGetValue("entries", out var list) || list is not IReadOnlyList<object> { Count: > 0 } entries)
            return false;
        var state = ledger.State;
        return entries.All(e => e is CborMap entry && entry.TryGetText("record") is { } record
            && state.Get(MedicalRecord.Key(record)) is { } found && asker.Is(found.Patient));
    }
}
