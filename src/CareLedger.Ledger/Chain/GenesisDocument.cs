using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Chain;

/// <summary>
/// The genesis document: a CBOR map holding at least "chainId" (text), "time" (Unix ms) and
/// "validators" (list of P-256 SubjectPublicKeyInfo byte strings). Contracts read their own keys
/// from it. Every node builds the identical block 0 from it.
/// </summary>
public sealed class GenesisDocument
{
    public GenesisDocument(CborMap map)
    {
        Map = map;
        ChainId = map.GetText("chainId");
        Time = map.GetInt("time");
        Validators = map.GetList("validators").Select(v => v as byte[] ?? throw new CborMapException("validators must be byte strings")).ToList();
        if (Validators.Count == 0) throw new CborMapException("genesis names no validators");
        foreach (var v in Validators)
            if (!SignatureVerifier.IsValidPublicKey(v)) throw new CborMapException("a validator key is not a P-256 public key");
    }

    public CborMap Map { get; }
    public string ChainId { get; }
    public long Time { get; }
    public IReadOnlyList<byte[]> Validators { get; }

    public IReadOnlySet<AccountId> ValidatorAccounts => Validators.Select(v => AccountId.FromPublicKey(v)).ToHashSet();

    public byte[] Encode() => Map.Encode();

    public static GenesisDocument Decode(ReadOnlyMemory<byte> bytes) => new(CborMap.Decode(bytes));
}
