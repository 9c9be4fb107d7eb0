using System.Collections.Immutable;
using System.Reflection;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Contracts.Tests.State;

/// <summary>
/// Every record type the contracts define (state, query answers, arguments), and a sample of each
/// built from its constructor: a distinct value for every parameter, with the optional (nullable)
/// ones either all given or all left out. Reflection keeps the list complete as records are added.
/// </summary>
public static class RecordSamples
{
    public static IReadOnlyList<Type> RecordTypes { get; } =
        [.. typeof(ConsortiumContracts).Assembly.GetTypes().Where(IsRecord).OrderBy(t => t.FullName, StringComparer.Ordinal)];

    public static TheoryData<Type> All()
    {
        var data = new TheoryData<Type>();
        foreach (var type in RecordTypes) data.Add(type);
        return data;
    }

    public static object Sample(Type type, bool withOptionals) => Build(type, withOptionals, new Counter());

    public static CborMap ToCbor(object record) => (CborMap)record.GetType().GetMethod("ToCbor")!.Invoke(record, null)!;

    /// <summary>Decodes through the type's own FromCbor, unwrapping the exception it throws.</summary>
    public static object FromCbor(Type type, CborMap map)
    {
        try { return type.GetMethod("FromCbor", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [map])!; }
        catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
    }

    private static bool IsRecord(Type type) =>
        !type.IsAbstract && type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICborRecord<>) && i.GetGenericArguments()[0] == type);

    private static object Build(Type type, bool withOptionals, Counter counter)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var nullability = new NullabilityInfoContext();
        var args = constructor.GetParameters().Select(p =>
        {
            var optional = Nullable.GetUnderlyingType(p.ParameterType) is not null || nullability.Create(p).WriteState == NullabilityState.Nullable;
            return optional && !withOptionals ? null : Value(Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType, withOptionals, counter);
        }).ToArray();
        return constructor.Invoke(args);
    }

    private static object Value(Type type, bool withOptionals, Counter counter)
    {
        var n = counter.Next();
        if (type == typeof(string)) return $"text-{n}";
        if (type == typeof(long)) return 1_000L + n;
        if (type == typeof(bool)) return n % 2 == 0;
        if (type == typeof(byte[])) return new byte[] { 1, 2, (byte)n };
        if (type == typeof(AccountId)) return AccountId.FromPublicKey([(byte)n]);
        if (type == typeof(IReadOnlyList<string>)) return new[] { $"item-{n}", $"item-{n + 1}" };
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = type.GetGenericArguments()[0];
            var list = Array.CreateInstance(element, 1);
            list.SetValue(Build(element, withOptionals, counter), 0);
            return list;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableSortedDictionary<,>))
        {
            var create = typeof(RecordSamples).GetMethod(nameof(Entries), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type.GetGenericArguments()[1]);
            return create.Invoke(null, [Build(type.GetGenericArguments()[1], withOptionals, counter), n])!;
        }
        if (type.IsClass) return Build(type, withOptionals, counter);
        throw new NotSupportedException($"no sample value for {type}");
    }

    private static ImmutableSortedDictionary<string, T> Entries<T>(T value, int n) =>
        ImmutableSortedDictionary.Create<string, T>(StringComparer.Ordinal).Add(AccountId.FromPublicKey([(byte)n]).ToString(), value);

    private sealed class Counter
    {
        private int _n;
        public int Next() => ++_n;
    }
}
