using System.Formats.Cbor;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Transactions;

/// <summary>
/// A signed transaction. The body is a canonical CBOR map with integer keys
/// (1 chain, 2 sender key, 3 nonce, 4 expiry, 5 contract, 6 action, 7 arguments);
/// the envelope is the CBOR array [body, signature]. The id is SHA-256 of the body bytes,
/// and the signature is ECDSA P-256 over that id. See docs/protocol.md.
/// </summary>
public sealed record Transaction
{
    public const int MaxSize = 64 * 1024;

    public required string ChainId { get; init; }
    public required byte[] SenderKey { get; init; }
    public required ulong Nonce { get; init; }
    /// <summary>Last block time (Unix milliseconds) at which the transaction may be included.</summary>
    public required long Expiry { get; init; }
    public required string Contract { get; init; }
    public required string Action { get; init; }
    public required CborMap Args { get; init; }
    public required byte[] Signature { get; init; }
    public required byte[] Body { get; init; }
    public required Hash256 Id { get; init; }
    public required AccountId Sender { get; init; }

    /// <summary>The whole envelope as sent on the wire and stored in blocks.</summary>
    public byte[] Encode()
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(2);
        writer.WriteByteString(Body);
        writer.WriteByteString(Signature);
        writer.WriteEndArray();
        return writer.Encode();
    }

    public static byte[] EncodeBody(string chainId, byte[] senderKey, ulong nonce, long expiry, string contract, string action, CborMap args)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(7);
        writer.WriteInt32(1); writer.WriteTextString(chainId);
        writer.WriteInt32(2); writer.WriteByteString(senderKey);
        writer.WriteInt32(3); writer.WriteUInt64(nonce);
        writer.WriteInt32(4); writer.WriteInt64(expiry);
        writer.WriteInt32(5); writer.WriteTextString(contract);
        writer.WriteInt32(6); writer.WriteTextString(action);
        writer.WriteInt32(7); CborMap.Write(writer, args);
        writer.WriteEndMap();
        return writer.Encode();
    }

    public static Transaction Create(SigningKey key, string chainId, ulong nonce, long expiry, string contract, string action, CborMap args)
    {
        var body = EncodeBody(chainId, key.PublicKey, nonce, expiry, contract, action, args);
        var id = Hash256.Of(body);
        return Assemble(key, chainId, nonce, expiry, contract, action, args, body, id, key.Sign(id));
    }

    /// <summary>The same transaction, signed by a key that may live elsewhere (a browser's WebCrypto): the body is signed, not its hash.</summary>
    public static async Task<Transaction> CreateAsync(IAccountKey key, string chainId, ulong nonce, long expiry, string contract, string action, CborMap args)
    {
        var body = EncodeBody(chainId, key.PublicKey, nonce, expiry, contract, action, args);
        return Assemble(key, chainId, nonce, expiry, contract, action, args, body, Hash256.Of(body), await key.SignAsync(body));
    }

    private static Transaction Assemble(IAccountKey key, string chainId, ulong nonce, long expiry, string contract, string action, CborMap args,
        byte[] body, Hash256 id, byte[] signature) => new()
    {
        ChainId = chainId, SenderKey = key.PublicKey, Nonce = nonce, Expiry = expiry,
        Contract = contract, Action = action, Args = args,
        Signature = signature, Body = body, Id = id, Sender = key.Account,
    };

    /// <summary>Parses an envelope. Structure only: the signature is checked by <see cref="VerifySignature"/>.</summary>
    public static bool TryDecode(ReadOnlyMemory<byte> envelope, out Transaction? tx, out string error)
    {
        tx = null;
        if (envelope.Length > MaxSize) { error = $"transaction is {envelope.Length} bytes; the limit is {MaxSize}"; return false; }
        try
        {
            var outer = new CborReader(envelope, CborConformanceMode.Canonical);
            if (outer.ReadStartArray() != 2) { error = "envelope must be an array of [body, signature]"; return false; }
            var body = outer.ReadByteString();
            var signature = outer.ReadByteString();
            outer.ReadEndArray();
            if (outer.BytesRemaining != 0) { error = "trailing bytes after the envelope"; return false; }
            if (signature.Length != SignatureVerifier.SignatureSize) { error = "signature must be 64 bytes (P-256, r||s)"; return false; }

            var reader = new CborReader(body, CborConformanceMode.Canonical);
            if (reader.ReadStartMap() != 7) { error = "body must be a map of 7 fields"; return false; }
            string chain = ReadKey(reader, 1).ReadTextString();
            byte[] senderKey = ReadKey(reader, 2).ReadByteString();
            ulong nonce = ReadKey(reader, 3).ReadUInt64();
            long expiry = ReadKey(reader, 4).ReadInt64();
            string contract = ReadKey(reader, 5).ReadTextString();
            string action = ReadKey(reader, 6).ReadTextString();
            var args = CborMap.ReadMap(ReadKey(reader, 7), 0);
            reader.ReadEndMap();
            if (reader.BytesRemaining != 0) { error = "trailing bytes after the body"; return false; }

            tx = new Transaction
            {
                ChainId = chain, SenderKey = senderKey, Nonce = nonce, Expiry = expiry,
                Contract = contract, Action = action, Args = args, Signature = signature, Body = body,
                Id = Hash256.Of(body), Sender = AccountId.FromPublicKey(senderKey),
            };
            error = "";
            return true;
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException or CborMapException)
        {
            error = $"malformed transaction: {e.Message}";
            return false;
        }
    }

    private static CborReader ReadKey(CborReader reader, int expected)
    {
        var key = reader.ReadInt32();
        if (key != expected) throw new FormatException($"expected field {expected}, found {key}");
        return reader;
    }

    public bool VerifySignature() => SignatureVerifier.Verify(SenderKey, Id, Signature);
}
