using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace CareLedger.Ledger.Cryptography;

/// <summary>A SHA-256 digest. Immutable; compared by value.</summary>
[JsonConverter(typeof(Hash256JsonConverter))]
public readonly struct Hash256 : IEquatable<Hash256>, IComparable<Hash256>
{
    public const int Size = 32;
    private readonly byte[]? _bytes;

    public Hash256(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
            throw new ArgumentException($"A hash is {Size} bytes, not {bytes.Length}.", nameof(bytes));
        _bytes = bytes.ToArray();
    }

    private Hash256(byte[] owned) => _bytes = owned;

    public static Hash256 Zero { get; } = new(new byte[Size]);

    public ReadOnlySpan<byte> Span => _bytes ?? Zero._bytes!;

    public byte[] ToArray() => Span.ToArray();

    public static Hash256 Of(ReadOnlySpan<byte> data) => new(SHA256.HashData(data));

    /// <summary>Hash of a one-byte domain tag followed by the data, so leaves, nodes and commitments never collide.</summary>
    public static Hash256 Tagged(byte tag, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b = default, ReadOnlySpan<byte> c = default)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData([tag]);
        h.AppendData(a);
        h.AppendData(b);
        h.AppendData(c);
        return new(h.GetHashAndReset());
    }

    public static bool TryParse(string? hex, out Hash256 hash)
    {
        hash = default;
        if (hex is null || hex.Length != Size * 2) return false;
        try { hash = new(Convert.FromHexString(hex)); return true; }
        catch (FormatException) { return false; }
    }

    public static Hash256 Parse(string hex) =>
        TryParse(hex, out var h) ? h : throw new FormatException($"'{hex}' is not a 64-character hex hash.");

    public bool Equals(Hash256 other) => Span.SequenceEqual(other.Span);
    public override bool Equals(object? obj) => obj is Hash256 h && Equals(h);
    public override int GetHashCode() => BitConverter.ToInt32(Span);
    public int CompareTo(Hash256 other) => Span.SequenceCompareTo(other.Span);
    public static bool operator ==(Hash256 a, Hash256 b) => a.Equals(b);
    public static bool operator !=(Hash256 a, Hash256 b) => !a.Equals(b);
    public override string ToString() => Convert.ToHexStringLower(Span);
}
