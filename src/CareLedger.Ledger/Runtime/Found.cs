using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Runtime;

/// <summary>
/// A query's answer about one thing that may not exist: <c>{found: false}</c>, or the thing's own
/// fields with <c>found: true</c> beside them.
/// </summary>
public sealed record Found<T>(T? Value) : ICborRecord<Found<T>> where T : class, ICborRecord<T>
{
    public CborMap ToCbor()
    {
        if (Value is null) return new() { ["found"] = false };
        var map = Value.ToCbor();
        map["found"] = true;
        return map;
    }

    public static Found<T> FromCbor(CborMap map)
    {
        var f = new CborFields(map);
        var value = f.Bool("found") ? T.FromCbor(f.Rest()) : null;
        f.End();
        return new(value);
    }
}

public static class Found
{
    public static Found<T> Of<T>(T? value) where T : class, ICborRecord<T> => new(value);
}
