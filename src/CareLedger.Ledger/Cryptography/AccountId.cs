using System.Text.Json.Serialization;

namespace CareLedger.Ledger.Cryptography;

/// <summary>An account: the SHA-256 of a P-256 public key's SubjectPublicKeyInfo.</summary>
[JsonConverter(typeof(AccountIdJsonConverter))]
public readonly record struct AccountId(Hash256 Hash) : IComparable<AccountId>
{
    public static AccountId FromPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo) => new(Hash256.Of(subjectPublicKeyInfo));

    public static bool TryParse(string? hex, out AccountId id)
    {
        var ok = Hash256.TryParse(hex, out var h);
        id = new AccountId(h);
        return ok;
    }

    public static AccountId Parse(string hex) =>
        TryParse(hex, out var id) ? id : throw new FormatException($"'{hex}' is not an account id (64 hex characters).");

    public int CompareTo(AccountId other) => Hash.CompareTo(other.Hash);
    public override string ToString() => Hash.ToString();
}
