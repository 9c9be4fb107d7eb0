using System.Security.Cryptography;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Fhir;

namespace CareLedger.Vault.Records;

/// <summary>A resource that cannot become a record: invalid FHIR, a type no record holds, or too large.</summary>
public sealed class RecordException(string message) : Exception(message);

/// <summary>A record version ready to commit and upload: its ciphertext and its data key wrapped for each reader.</summary>
public sealed record SealedVersion(string Record, long Version, string Type, byte[] Ciphertext, WrappedKeySet Keys)
{
    public Hash256 ContentHash => Hash256.Of(Ciphertext);
}

/// <summary>
/// Turns a FHIR resource into a sealed record version, the same way wherever the author's key is:
/// in the CLI, in a browser, or in the node for a practitioner whose key it holds in custody.
/// The data key never leaves this call except wrapped.
/// </summary>
public static class RecordSealing
{
    /// <summary>Largest FHIR resource a record holds: its base64 ciphertext must fit the node's 1 MiB upload limit.</summary>
    public const int MaxResourceBytes = 512 * 1024;

    /// <summary>The node's limit for one upload (base64 ciphertext and wrapped keys).</summary>
    public const int MaxUploadBytes = 1024 * 1024;

    /// <summary>The resource's canonical JSON and type; throws <see cref="RecordException"/> saying everything wrong with it.</summary>
    public static (byte[] Json, string Type) Validate(string fhirJson)
    {
        var parsed = FhirResources.Parse(fhirJson);
        if (!parsed.IsValid) throw new RecordException("invalid FHIR resource: " + string.Join("; ", parsed.Errors));
        var json = FhirResources.Serialize(parsed.Resource!);
        if (json.Length > MaxResourceBytes)
            throw new RecordException($"the resource is {json.Length} bytes; a record holds at most {MaxResourceBytes} (put large documents in several records)");
        return (json, parsed.Resource!.TypeName);
    }

    public static string NewRecordId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The first version of a new record, under a fresh data key wrapped for every reader given (patient and author at least).</summary>
    public static async ValueTask<SealedVersion> SealNewAsync(IRecordCrypto crypto, string recordId, string fhirJson, IEnumerable<(AccountId Reader, byte[] PublicKey)> readers)
    {
        var (json, type) = Validate(fhirJson);
        return await SealUnderNewKeyAsync(crypto, recordId, 1, type, json, readers);
    }

    /// <summary>
    /// A later version under a fresh data key, wrapped only for the readers given: it starts a new key generation, so
    /// that whoever kept an earlier key (a revoked grantee) cannot open it. Earlier versions keep their keys.
    /// </summary>
    public static async ValueTask<SealedVersion> SealUnderNewKeyAsync(IRecordCrypto crypto, string recordId, long version, string expectedType, string fhirJson,
        IEnumerable<(AccountId Reader, byte[] PublicKey)> readers)
    {
        var (json, type) = Validate(fhirJson);
        if (type != expectedType) throw new RecordException($"record {recordId} holds a {expectedType}, not a {type}");
        return await SealUnderNewKeyAsync(crypto, recordId, version, type, json, readers);
    }

    private static async ValueTask<SealedVersion> SealUnderNewKeyAsync(IRecordCrypto crypto, string recordId, long version, string type, byte[] json,
        IEnumerable<(AccountId Reader, byte[] PublicKey)> readers)
    {
        var dataKey = RecordCipher.NewDataKey();
        try
        {
            var keys = new WrappedKeySet();
            foreach (var (reader, publicKey) in readers.DistinctBy(r => r.Reader))
                keys.Add(reader.ToString(), await KeyWrap.WrapAsync(crypto, dataKey, publicKey, recordId));
            return new SealedVersion(recordId, version, type, await RecordCipher.EncryptAsync(crypto, json, dataKey, recordId, version), keys);
        }
        finally { CryptographicOperations.ZeroMemory(dataKey); }
    }

    /// <summary>A later version under its key generation's data key (an empty key set); readers keep the keys they were given.</summary>
    public static async ValueTask<SealedVersion> SealUpdateAsync(IRecordCrypto crypto, string recordId, long version, string expectedType, string fhirJson, byte[] dataKey)
    {
        var (json, type) = Validate(fhirJson);
        if (type != expectedType) throw new RecordException($"record {recordId} holds a {expectedType}, not a {type}");
        return new SealedVersion(recordId, version, type, await RecordCipher.EncryptAsync(crypto, json, dataKey, recordId, version), new WrappedKeySet());
    }

    /// <summary>Decrypts a served version with the reader's key; throws <see cref="RecordException"/> if the ciphertext does not match its hash.</summary>
    public static async ValueTask<string> OpenAsync(IRecordCrypto crypto, RecordEnvelope envelope, IAccountKey reader)
    {
        var blob = Convert.FromBase64String(envelope.Ciphertext);
        if (Hash256.Of(blob).ToString() != envelope.ContentHash) throw new RecordException("the node served ciphertext whose hash does not match the ledger");
        var dataKey = await KeyWrap.UnwrapAsync(crypto, Convert.FromBase64String(envelope.WrappedKey), reader, envelope.Record);
        try { return System.Text.Encoding.UTF8.GetString(await RecordCipher.DecryptAsync(crypto, blob, dataKey, envelope.Record, envelope.Version)); }
        finally { CryptographicOperations.ZeroMemory(dataKey); }
    }

    public static SealedVersion SealNew(string recordId, string fhirJson, IEnumerable<(AccountId Reader, byte[] PublicKey)> readers) =>
        SealNewAsync(DotNetRecordCrypto.Instance, recordId, fhirJson, readers).Completed();

    public static SealedVersion SealUnderNewKey(string recordId, long version, string expectedType, string fhirJson, IEnumerable<(AccountId Reader, byte[] PublicKey)> readers) =>
        SealUnderNewKeyAsync(DotNetRecordCrypto.Instance, recordId, version, expectedType, fhirJson, readers).Completed();

    public static SealedVersion SealUpdate(string recordId, long version, string expectedType, string fhirJson, ReadOnlySpan<byte> dataKey) =>
        SealUpdateAsync(DotNetRecordCrypto.Instance, recordId, version, expectedType, fhirJson, dataKey.ToArray()).Completed();

    public static string Open(RecordEnvelope envelope, SigningKey reader) => OpenAsync(DotNetRecordCrypto.Instance, envelope, reader).Completed();
}
