[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace CareLedger.Consortium.Tests.Support;

/// <summary>Every test starts its own etcd cluster and nodes and wants the cores to itself: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsortiumCollection
{
    public const string Name = "consortium processes";
}
