using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace CareLedger.Contracts.Tests.Determinism;

/// <summary>
/// Decodes metadata signatures into readable type names ("System.Collections.Generic.Dictionary`2&lt;System.String,System.Int64&gt;",
/// nested types as "Outer/Inner"), so rules can look for the types a signature mentions.
/// </summary>
public sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
{
    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => "System." + typeCode;
    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Of(handle);
    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Of(handle);
    public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
        Of(handle);
    public string GetSZArrayType(string elementType) => elementType + "[]";
    public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
    public string GetPointerType(string elementType) => elementType + "*";
    public string GetByReferenceType(string elementType) => elementType + "&";
    public string GetPinnedType(string elementType) => elementType;
    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) =>
        genericType + "<" + string.Join(",", typeArguments) + ">";
    public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
    public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
    public string GetFunctionPointerType(MethodSignature<string> signature) =>
        "method " + signature.ReturnType + "(" + string.Join(",", signature.ParameterTypes) + ")";

    public string Of(TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var name = md.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil) return Of(declaring) + "/" + name;
        var ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public string Of(TypeReferenceHandle handle)
    {
        var type = md.GetTypeReference(handle);
        var name = md.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference) return Of((TypeReferenceHandle)type.ResolutionScope) + "/" + name;
        var ns = md.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public string Of(TypeSpecificationHandle handle) => md.GetTypeSpecification(handle).DecodeSignature(this, null);

    /// <summary>The name of a type token (definition, reference or specification).</summary>
    public string Of(EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeDefinition => Of((TypeDefinitionHandle)handle),
        HandleKind.TypeReference => Of((TypeReferenceHandle)handle),
        HandleKind.TypeSpecification => Of((TypeSpecificationHandle)handle),
        _ => "",
    };

    /// <summary>Every type a decoded name mentions: "A&lt;B,C[]&gt;" mentions A, B and C.</summary>
    public static IEnumerable<string> Mentioned(string decoded) =>
        decoded.Split(['<', '>', ',', '[', ']', '&', '*', '(', ')', ' '], StringSplitOptions.RemoveEmptyEntries)
            .Where(part => part != "method" && !part.StartsWith('!'));

    /// <summary>A generic instantiation's definition: "List`1&lt;System.Int64&gt;" is "List`1".</summary>
    public static string Definition(string decoded) => decoded.IndexOf('<') is var i and >= 0 ? decoded[..i] : decoded;
}
