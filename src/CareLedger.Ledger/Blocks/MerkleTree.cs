using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Blocks;

/// <summary>
/// Binary Merkle tree with domain-separated hashes: leaf = H(0x00 || data), node = H(0x01 || left || right).
/// An odd node at the end of a level is carried up unchanged (never duplicated), so no two
/// different lists share a root. The root of an empty list is H(0x00).
/// </summary>
public static class MerkleTree
{
    public const byte LeafTag = 0x00;
    public const byte NodeTag = 0x01;

    public static Hash256 Leaf(ReadOnlySpan<byte> data) => Hash256.Tagged(LeafTag, data);
    public static Hash256 Node(Hash256 left, Hash256 right) => Hash256.Tagged(NodeTag, left.Span, right.Span);

    public static Hash256 Root(IReadOnlyList<Hash256> leaves)
    {
        if (leaves.Count == 0) return Hash256.Tagged(LeafTag, []);
        var level = leaves.ToArray();
        var count = level.Length;
        while (count > 1)
        {
            var next = 0;
            for (var i = 0; i < count; i += 2)
                level[next++] = i + 1 < count ? Node(level[i], level[i + 1]) : level[i];
            count = next;
        }
        return level[0];
    }

    /// <summary>The sibling path from leaf <paramref name="index"/> to the root.</summary>
    public static IReadOnlyList<MerkleStep> Path(IReadOnlyList<Hash256> leaves, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leaves.Count);
        var path = new List<MerkleStep>();
        var level = leaves.ToList();
        while (level.Count > 1)
        {
            var sibling = index ^ 1;
            if (sibling < level.Count) path.Add(new MerkleStep(level[sibling], SiblingOnLeft: sibling < index));
            var next = new List<Hash256>((level.Count + 1) / 2);
            for (var i = 0; i < level.Count; i += 2)
                next.Add(i + 1 < level.Count ? Node(level[i], level[i + 1]) : level[i]);
            level = next;
            index /= 2;
        }
        return path;
    }

    public static Hash256 RootFromPath(Hash256 leaf, IEnumerable<MerkleStep> path)
    {
        var acc = leaf;
        foreach (var step in path)
            acc = step.SiblingOnLeft ? Node(step.Sibling, acc) : Node(acc, step.Sibling);
        return acc;
    }
}

/// <summary>One step of a Merkle path: the sibling hash and which side it sits on.</summary>
public readonly record struct MerkleStep(Hash256 Sibling, bool SiblingOnLeft);
