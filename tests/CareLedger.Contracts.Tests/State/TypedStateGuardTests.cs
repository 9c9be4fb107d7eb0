using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using CareLedger.Contracts.Tests.Determinism;

namespace CareLedger.Contracts.Tests.State;

/// <summary>
/// The contracts read and write state only through records: no call to the untyped
/// <c>ContractState</c> members (Get, Put and Scan of CborMap), which remain for callers not yet converted.
/// </summary>
public sealed class TypedStateGuardTests
{
    private static readonly string[] Untyped = ["Get", "Put", "Scan"];

    [Fact]
    public void ContractsAssembly_StateAccess_IsTypedOnly()
    {
        var calls = UntypedStateCalls(typeof(ConsortiumContracts).Assembly.Location);

        Assert.True(calls.Count == 0, "contracts must use the typed state API, but call " + string.Join(", ", calls));
    }

    [Fact]
    public void UntypedStateCalls_OfAnAssemblyThatMakesThem_AreFound()
    {
        var calls = UntypedStateCalls(typeof(TypedStateGuardTests).Assembly.Location);

        Assert.Contains("ContractState::Get", calls);
    }

    /// <summary>Untyped-call sample for the test above: reads a map by string key.</summary>
    internal static object? ReadsUntyped(Ledger.Runtime.ContractState state) => state.Get("tokens/asset/CARE");

    private static List<string> UntypedStateCalls(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var names = new TypeNames(md);
        var calls = new List<string>();
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.GetKind() != MemberReferenceKind.Method || member.Parent.Kind != HandleKind.TypeReference) continue;
            if (names.Of((TypeReferenceHandle)member.Parent) != "CareLedger.Ledger.Runtime.ContractState") continue;
            var name = md.GetString(member.Name);
            if (Untyped.Contains(name) && member.DecodeMethodSignature(names, null).GenericParameterCount == 0) calls.Add("ContractState::" + name);
        }
        return calls;
    }
}
