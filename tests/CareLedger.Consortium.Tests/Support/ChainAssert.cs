using CareLedger.Testing;

namespace CareLedger.Consortium.Tests.Support;

public static class ChainAssert
{
    /// <summary>The nodes serve the same block hash at every height and hold the same number of blocks.</summary>
    public static async Task SameChainAsync(ConsortiumCluster cluster, IReadOnlyList<int> nodes)
    {
        var differences = await cluster.ChainDifferencesAsync(nodes);
        Assert.True(differences.Count == 0,
            $"{differences.Count} heights differ between nodes {string.Join(", ", nodes)}:\n{string.Join("\n", differences.Take(10))}\n{await cluster.DescribeAsync()}");
    }

    /// <summary>Every transaction some node acknowledged as committed is stored on each of <paramref name="nodes"/>.</summary>
    public static void AcknowledgedEverywhere(ConsortiumCluster cluster, IReadOnlyDictionary<string, int> acknowledged, IReadOnlyList<int> nodes)
    {
        Assert.NotEmpty(acknowledged);
        foreach (var node in nodes)
        {
            var stored = cluster.StoredTransactionIds(node);
            var missing = acknowledged.Where(a => !stored.Contains(a.Key)).ToList();
            Assert.True(missing.Count == 0,
                $"node {node} lacks {missing.Count} of {acknowledged.Count} acknowledged transactions, e.g. " +
                string.Join(", ", missing.Take(5).Select(m => $"{m.Key} (acknowledged by node {m.Value})")));
        }
    }
}
