namespace CareLedger.Ledger.Ordering;

/// <summary>
/// Decides the order of transactions and turns it into blocks on this node. The solo orderer
/// cuts blocks itself; a consortium orderer replicates each batch through consensus first.
/// </summary>
public interface IOrderer
{
    Task RunAsync(CancellationToken ct);
}
