using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CareLedger.Contracts.Tests.Determinism;

/// <summary>A use of something a deterministic contract must not touch, and where.</summary>
public sealed record DeterminismFinding(string Location, string Problem)
{
    public override string ToString() => $"{Location}: {Problem}";
}

public sealed record DeterminismReport(IReadOnlyList<DeterminismFinding> Findings, int TypesScanned, int MethodsScanned, int InstructionsScanned);

/// <summary>
/// Reads a compiled assembly's metadata and IL (without loading it) and reports every use of an API
/// that would make a contract's effects depend on more than (state, block, transaction): the
/// clock, randomness, the environment, I/O, the network, threads, unordered hash enumeration and
/// floating point. It inspects each type's base type, field and method signatures, local
/// variables, and every instruction's opcode and token operand.
/// </summary>
public static class DeterminismScanner
{
    private static readonly OpCode[] FloatingPointOpCodes = [OpCodes.Ldc_R4, OpCodes.Ldc_R8, OpCodes.Conv_R4, OpCodes.Conv_R8, OpCodes.Conv_R_Un, OpCodes.Ckfinite];

    private static readonly Dictionary<(string Type, string Member), string> ForbiddenMembers = new()
    {
        [("System.DateTime", "get_Now")] = "reads the clock",
        [("System.DateTime", "get_UtcNow")] = "reads the clock",
        [("System.DateTime", "get_Today")] = "reads the clock",
        [("System.DateTimeOffset", "get_Now")] = "reads the clock",
        [("System.DateTimeOffset", "get_UtcNow")] = "reads the clock",
        [("System.Guid", "NewGuid")] = "draws randomness",
    };

    private static readonly string[] UnorderedCollections = ["System.Collections.Generic.Dictionary`2", "System.Collections.Generic.HashSet`1"];

    /// <param name="includeType">Which types to scan, by name ("Namespace.Type", nested "Namespace.Type/Nested"); all when null.</param>
    public static DeterminismReport Scan(string assemblyPath, Func<string, bool>? includeType = null)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var scan = new Inspection(md, new TypeNames(md));
        foreach (var handle in md.TypeDefinitions)
        {
            var typeName = scan.Names.Of(handle);
            if (includeType is null || includeType(typeName)) scan.Type(pe, handle, typeName);
        }
        return new DeterminismReport(scan.Findings.Order(Comparer<DeterminismFinding>.Create((a, b) =>
            string.CompareOrdinal(a.ToString(), b.ToString()))).ToList(), scan.Types, scan.Methods, scan.Instructions);
    }

    private sealed class Inspection(MetadataReader md, TypeNames names)
    {
        public TypeNames Names => names;
        public HashSet<DeterminismFinding> Findings { get; } = [];
        public int Types { get; private set; }
        public int Methods { get; private set; }
        public int Instructions { get; private set; }

        public void Type(PEReader pe, TypeDefinitionHandle handle, string typeName)
        {
            Types++;
            var type = md.GetTypeDefinition(handle);
            if (!type.BaseType.IsNil) Mentions(typeName, names.Of(type.BaseType));
            foreach (var f in type.GetFields())
            {
                var field = md.GetFieldDefinition(f);
                Mentions($"{typeName}::{md.GetString(field.Name)}", field.DecodeSignature(names, null));
            }
            foreach (var m in type.GetMethods())
            {
                var method = md.GetMethodDefinition(m);
                var location = $"{typeName}::{md.GetString(method.Name)}";
                Mentions(location, method.DecodeSignature(names, null));
                if (method.RelativeVirtualAddress == 0) continue;
                Methods++;
                Body(location, pe.GetMethodBody(method.RelativeVirtualAddress));
            }
        }

        private void Body(string location, MethodBodyBlock body)
        {
            if (!body.LocalSignature.IsNil)
                foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null))
                    Mentions(location, local);
            foreach (var instruction in IlReader.Read(body))
            {
                Instructions++;
                if (FloatingPointOpCodes.Contains(instruction.OpCode))
                    Findings.Add(new(location, $"uses floating point ({instruction.OpCode.Name})"));
                if (instruction.Token != 0 && instruction.OpCode.OperandType != OperandType.InlineString)
                    Token(location, MetadataTokens.EntityHandle(instruction.Token));
            }
        }

        private void Token(string location, EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    var parent = member.Parent.Kind is HandleKind.TypeReference or HandleKind.TypeDefinition or HandleKind.TypeSpecification
                        ? names.Of(member.Parent) : "";
                    Member(location, parent, md.GetString(member.Name));
                    Mentions(location, parent);
                    if (member.GetKind() == MemberReferenceKind.Method) Mentions(location, member.DecodeMethodSignature(names, null));
                    else Mentions(location, member.DecodeFieldSignature(names, null));
                    break;
                case HandleKind.MethodSpecification:
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Token(location, spec.Method);
                    foreach (var argument in spec.DecodeSignature(names, null)) Mentions(location, argument);
                    break;
                case HandleKind.TypeReference or HandleKind.TypeSpecification:
                    Mentions(location, names.Of(handle));
                    break;
                case HandleKind.StandaloneSignature:
                    Mentions(location, md.GetStandaloneSignature((StandaloneSignatureHandle)handle).DecodeMethodSignature(names, null));
                    break;
            }
        }

        private void Member(string location, string parent, string name)
        {
            var definition = TypeNames.Definition(parent);
            if (ForbiddenMembers.TryGetValue((definition, name), out var problem))
                Findings.Add(new(location, $"{problem} ({definition}::{name})"));
            if (name == "GetEnumerator" && UnorderedCollections.Any(c => definition == c || definition.StartsWith(c + "/", StringComparison.Ordinal)))
                Findings.Add(new(location, $"enumerates a hash collection in unspecified order ({definition}::{name})"));
        }

        private void Mentions(string location, MethodSignature<string> signature)
        {
            Mentions(location, signature.ReturnType);
            foreach (var parameter in signature.ParameterTypes) Mentions(location, parameter);
        }

        private void Mentions(string location, string decoded)
        {
            foreach (var type in TypeNames.Mentioned(decoded))
                if (Forbidden(type) is { } problem) Findings.Add(new(location, $"{problem} ({type})"));
        }

        private static string? Forbidden(string type) => type switch
        {
            "System.Single" or "System.Double" => "uses floating point",
            "System.Random" => "draws randomness",
            "System.Diagnostics.Stopwatch" or "System.TimeProvider" => "reads the clock",
            "System.Environment" => "reads the environment",
            _ when type.StartsWith("System.IO.", StringComparison.Ordinal) => "does I/O",
            _ when type.StartsWith("System.Net.", StringComparison.Ordinal) => "uses the network",
            _ when type.StartsWith("System.Threading.", StringComparison.Ordinal) => "uses threads or tasks",
            _ => null,
        };
    }
}
