namespace CareLedger.Node.Tests.Support;

/// <summary>Tests that start, kill and restart real node processes run one at a time: each wants the cores to itself.</summary>
[CollectionDefinition(Name)]
public sealed class NodeProcessCollection
{
    public const string Name = "node processes";
}
