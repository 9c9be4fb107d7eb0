using System.Security.Cryptography;
using System.Text;

namespace CareLedger.Contracts;

/// <summary>
/// A clinical code or a text as the ledger holds it: a salted commitment, <c>sha256:</c> and the hex SHA-256 of the code,
/// a newline and a secret salt. For a prescription, the code and the salt are in the encrypted MedicationRequest record
/// (an identifier of system <see cref="SaltSystem"/>); for a break-glass reason, in the node's vault beside the record,
/// where erasure reaches it. Whoever holds code and salt can check the commitment, and the patient can prove what was
/// prescribed by showing both. Nothing on the ledger names a drug, an allergy or why a record was opened in an emergency
/// (ADR 0011), and with the salt a code cannot be guessed back from its commitment, though the code list is short.
/// </summary>
public static class SealedCode
{
    public const string Prefix = "sha256:";

    /// <summary>The identifier system under which the MedicationRequest carries its salt.</summary>
    public const string SaltSystem = "urn:careledger:seal";

    /// <summary>The salt one field is sealed with: the record's salt and the field's name, so that equal codes in two fields seal differently.</summary>
    public static string FieldSalt(string salt, string field) => $"{salt}/{field}";

    public static string Of(string code, string salt) => Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{code}\n{salt}")));

    /// <summary>A fresh secret salt: 16 random bytes, hex.</summary>
    public static string NewSalt() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsSealed(string text) =>
        text.Length == Prefix.Length + 64 && text.StartsWith(Prefix, StringComparison.Ordinal) && text.AsSpan(Prefix.Length).ContainsAnyExcept("0123456789abcdef") is false;

    /// <summary>Why <paramref name="text"/> may not stand on the ledger for a <paramref name="what"/>, or null when it is sealed.</summary>
    public static string? Refusal(string text, string what) => IsSealed(text)
        ? null
        : $"{what} goes on the ledger sealed ({Prefix} and the SHA-256 of the code and a secret salt), never in clear: the code stays in the encrypted record";
}
