using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests;

/// <summary>Golden vectors that pin the byte formats written down in docs/protocol.md.</summary>
public class ProtocolVectorTests
{
    // A fixed P-256 key (PKCS#8) used only for these vectors.
    private const string VectorKeyPkcs8 = "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420f0b94e11a6f56121291c2f8b62d58eb85d4b286d4ef4f36d2c44c47f869937dca144034200044600395406cde42d83582203d9cba9d656c7eacdd932b6dcc56c500f419768c52a01b95b4fd124dfeed21687866acc117dfc4c77b9badc00a475fbe1536bee12";

    private static SigningKey Key() => SigningKey.FromPkcs8(Convert.FromHexString(VectorKeyPkcs8));

    private static byte[] VectorBody(SigningKey key) => Transaction.EncodeBody("careledger-demo", key.PublicKey, 1, 1_800_000_000_000, "tokens", "transfer",
        new CborMap { ["amount"] = 25L, ["asset"] = "CARE", ["to"] = new string('a', 64) });

    [Fact]
    public void AccountId_IsSha256OfSubjectPublicKeyInfo()
    {
        using var key = Key();
        Assert.Equal("3e8ba8f1e0ac8613023e8d00498b187e9b0b60be928cf09beff722d519e3a4b7", key.Account.ToString());
    }

    [Fact]
    public void RequestDigest_CoversChainAndNode_AsPinned()
    {
        using var key = Key();
        var digest = RequestSignature.Digest(new RequestAudience("careledger-demo", key.Account), "GET", "/v1/records/abc", 1_000, RequestSignature.EmptyBodyHash);
        Assert.Equal("77b8187dd29b5295fc17bc7ab80371c203945e5da6004e494f7ada2e77bcfd83", digest.ToString());
    }

    [Fact]
    public void TransactionBody_EncodesToPinnedBytesAndId()
    {
        using var key = Key();
        var body = VectorBody(key);
        Assert.Equal("a7016f636172656c65646765722d64656d6f02585b3059301306072a8648ce3d020106082a8648ce3d030107034200044600395406cde42d83582203d9cba9d656c7eacdd932b6dcc56c500f419768c52a01b95b4fd124dfeed21687866acc117dfc4c77b9badc00a475fbe1536bee120301041b000001a3185c50000566746f6b656e7306687472616e7366657207a362746f784061616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161656173736574644341524566616d6f756e741819", Convert.ToHexStringLower(body));
        Assert.Equal("78d11242e694899799ef090ea026e5f5cc8d5b230cc7eeda29a20ac66e52531b", Hash256.Of(body).ToString());
    }

    [Fact]
    public void PinnedSignature_VerifiesOverTheId()
    {
        using var key = Key();
        var id = Hash256.Of(VectorBody(key));
        Assert.True(SignatureVerifier.Verify(key.PublicKey, id, Convert.FromHexString("1a3b23d757b5b77e941ae8b8a8bf3de8fede0cb17aac121c4293629eb1ca7bc2458446e47106381aaa25c2f24cc520eb0ed317a9a55d0e4125b980843a9fea75")));
    }

    [Fact]
    public void MerkleRoot_OfThreeLeaves_IsPinned()
    {
        var leaves = new[] { "a", "b", "c" }.Select(s => MerkleTree.Leaf(System.Text.Encoding.UTF8.GetBytes(s))).ToList();
        Assert.Equal("36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1", MerkleTree.Root(leaves).ToString());
    }

    [Fact]
    public void BlockHeader_EncodesToPinnedBytes()
    {
        var header = new BlockHeader(7, Hash256.Of([1]), Hash256.Of([2]), Hash256.Of([3]), Hash256.Of([5]), 1_800_000_000_000, new AccountId(Hash256.Of([4])));
        Assert.Equal("870758204bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a5820dbc1b4c900ffe48d575b5da5c638040125f65db0fe3e24494b76ea986457d9865820084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c55820e77b9a9ae9e30b0dbdb6f510a264ef9de781501d7b6b92ae89eb059c5ab743db1b000001a3185c50005820e52d9c508c502347344d8c07ad91cbd6068afc75ff6292f062a09ca381c89e71", Convert.ToHexStringLower(header.Encode()));
        Assert.Equal("57fb9e21a5ef5221237ffecef8db00733ab30176dec0a3d6ed42e536c666048b", header.Hash().ToString());
    }

    [Fact]
    public void StateCommitment_OfOneWriteAndOneDelete_IsPinned()
    {
        var root = StateCommitment.Next(Hash256.Zero, [new("a/k", [0xA1, 0x61, 0x76, 0x01]), new("b/k", null)]);
        Assert.Equal("ca94ce6b2f1c49c7b40bb3e7efcc0e7c930def105dc78bb9830250e2e8a8f3c9", root.ToString());
    }

    [Fact]
    public void DirectoryGroup_HashAndLeaf_ArePinned()
    {
        var group = StateDirectory.GroupHash("m/s/clinic/", [new("m/s/clinic/a", [0xA0]), new("m/s/clinic/b", [0x01])]);
        Assert.Equal("fb0dbe1538fc4acff78757c73e4ef00e5f4a931382c37e0b4407c7d9419ef1e2", group.ToString());
        Assert.Equal("963757ace5a29c1d497548953f964efec3889f6d2f8e9e8550e03eb1e02b26ac", StateDirectory.Leaf("m/s/clinic/", group).ToString());
    }

    [Fact]
    public void TxResult_EncodesToPinnedBytes()
    {
        var result = new TxResult(true, null, [new ContractEvent("tokens", "Transferred", new CborMap { ["amount"] = 25L })]);
        Assert.Equal("83f560818366746f6b656e736b5472616e73666572726564a166616d6f756e741819", Convert.ToHexStringLower(result.Encode()));
    }
}
