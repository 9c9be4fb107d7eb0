using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.Tests;

public class MerkleTreeTests
{
    private static List<Hash256> Leaves(int n) => Enumerable.Range(0, n).Select(i => MerkleTree.Leaf(BitConverter.GetBytes(i))).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Path_ForEveryLeaf_LeadsToTheRoot(int count)
    {
        var leaves = Leaves(count);
        var root = MerkleTree.Root(leaves);
        for (var i = 0; i < count; i++)
            Assert.Equal(root, MerkleTree.RootFromPath(leaves[i], MerkleTree.Path(leaves, i)));
    }

    [Fact]
    public void Path_WithFlippedSide_DoesNotLeadToTheRoot()
    {
        var leaves = Leaves(8);
        var path = MerkleTree.Path(leaves, 3).ToList();
        path[1] = path[1] with { SiblingOnLeft = !path[1].SiblingOnLeft };
        Assert.NotEqual(MerkleTree.Root(leaves), MerkleTree.RootFromPath(leaves[3], path));
    }

    [Fact]
    public void Path_WithAlteredSibling_DoesNotLeadToTheRoot()
    {
        var leaves = Leaves(5);
        var path = MerkleTree.Path(leaves, 0).ToList();
        path[0] = path[0] with { Sibling = Hash256.Of([9]) };
        Assert.NotEqual(MerkleTree.Root(leaves), MerkleTree.RootFromPath(leaves[0], path));
    }

    [Fact]
    public void Root_OddCount_DiffersFromListWithLastLeafDuplicated()
    {
        var three = Leaves(3);
        var four = three.Append(three[2]).ToList();
        Assert.NotEqual(MerkleTree.Root(three), MerkleTree.Root(four));
    }

    [Fact]
    public void Root_InteriorNodeCannotPassAsLeaf()
    {
        var leaves = Leaves(2);
        var node = MerkleTree.Node(leaves[0], leaves[1]);
        Assert.NotEqual(MerkleTree.Root(leaves), MerkleTree.Root([MerkleTree.Leaf(node.Span)]));
    }
}
