using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Ordering;

/// <summary>What became of a committed transaction.</summary>
public sealed record Receipt(Hash256 TxId, ulong Height, int Index, Hash256 BlockHash, long BlockTime, TxResult Result)
{
    public static Receipt From(Block block, int index) =>
        new(block.Transactions[index].Id, block.Height, index, block.Hash, block.Header.Time, block.Results[index]);
}
