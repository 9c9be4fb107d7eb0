using System.Net;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Records;
using CareLedger.Node.Tests.Support;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;
using Microsoft.AspNetCore.Http;

namespace CareLedger.Node.Tests.Records;

/// <summary>
/// What a node keeps of a copy another node sends it (ADR 0022): only what the ledger committed to — the ciphertext of the
/// version's content hash, the exact key set of its keys hash — never anything of an erased record, and never a key for a
/// reader whose grant was revoked. The copies come from this node's own answers (<see cref="RecordContent.ServeVersion"/>),
/// kept before the vault's files are deleted to stand for a node that lacks them.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class VaultCopyCheckTests(DemoNodeFixture demo)
{
    private const string Allergy = """{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/jones"},"code":{"text":"penicillin"}}""";

    private RecordContent Content => demo.Node.Service<RecordContent>();
    private SigningKey Patient => demo.Keys["patient-jones"];
    private SigningKey Doctor => demo.Keys["dr-rivera"];
    private RecordsClient Records => new(demo.Client);

    [Fact]
    public async Task VersionCopy_WithTamperedCiphertext_IsRefusedAndNothingIsKept()
    {
        var (record, copy) = await demo.AddAndForgetAsync(Allergy);
        var blob = Convert.FromBase64String(copy.Ciphertext);
        blob[^1] ^= 1;

        var refused = Content.StoreVersionCopy(record, 1, blob, Convert.FromBase64String(copy.Keys));

        Assert.Equal(StatusCodes.Status422UnprocessableEntity, refused?.Status);
        Assert.Equal("Content hash mismatch", refused?.Title);
        Assert.Empty(VaultFiles(record));
    }

    [Fact]
    public async Task VersionCopy_WithAKeyAddedToTheSet_IsRefusedAndNothingIsKept()
    {
        var (record, copy) = await demo.AddAndForgetAsync(Allergy);
        var keys = WrappedKeySet.Decode(Convert.FromBase64String(copy.Keys));
        keys.Add(Doctor.Account.ToString(), new byte[97]);

        var refused = Content.StoreVersionCopy(record, 1, Convert.FromBase64String(copy.Ciphertext), keys.Encode());

        Assert.Equal("Wrapped keys mismatch", refused?.Title);
        Assert.Empty(VaultFiles(record));
    }

    [Fact]
    public async Task VersionCopy_AsCommitted_IsKept_AndThePatientReadsItAgain()
    {
        var (record, copy) = await demo.AddAndForgetAsync(Allergy);

        Assert.Null(Content.StoreVersionCopy(record, 1, Convert.FromBase64String(copy.Ciphertext), Convert.FromBase64String(copy.Keys)));

        Assert.NotNull(demo.Node.Vault.GetKeySet(record, 1));
        var (_, json) = await Records.ReadAsync(Patient, record);
        Assert.Contains("penicillin", json);
    }

    [Fact]
    public async Task VersionCopy_OfARecordTheLedgerDoesNotKnow_IsRefused()
    {
        var (_, copy) = await demo.AddAndForgetAsync(Allergy);
        var unknown = RecordSealing.NewRecordId();

        var refused = Content.StoreVersionCopy(unknown, 1, Convert.FromBase64String(copy.Ciphertext), Convert.FromBase64String(copy.Keys));

        Assert.Equal(StatusCodes.Status404NotFound, refused?.Status);
        Assert.Empty(VaultFiles(unknown));
    }

    [Fact]
    public async Task VersionCopy_ThatArrivesAfterTheErasure_IsRefused_AndTheErasedRecordIsNotServed()
    {
        var (record, copy) = await demo.AddAndForgetAsync(Allergy);
        await Records.EraseAsync(Patient, record);

        var refused = Content.StoreVersionCopy(record, 1, Convert.FromBase64String(copy.Ciphertext), Convert.FromBase64String(copy.Keys));

        Assert.Equal(StatusCodes.Status410Gone, refused?.Status);
        Assert.Empty(VaultFiles(record));
        Assert.Equal(StatusCodes.Status410Gone, Content.ServeVersion(record, 1).Refusal?.Status);
    }

    [Fact]
    public async Task VersionCopy_AfterARevoke_KeepsTheContentButNoKeyForTheRevokedGrantee()
    {
        // A grant of the type in force when the record is added: its version's key set wraps the key for the doctor too.
        var grant = await Records.GrantAsync(Patient, Doctor.Account.ToString(), null, "treatment", [], ["AllergyIntolerance"], DateTimeOffset.UtcNow.AddDays(1));
        var (record, copy) = await demo.AddAndForgetAsync(Allergy);
        Assert.NotNull(WrappedKeySet.Decode(Convert.FromBase64String(copy.Keys)).Get(Doctor.Account.ToString()));
        await Records.RevokeAsync(Patient, grant);

        Assert.Null(Content.StoreVersionCopy(record, 1, Convert.FromBase64String(copy.Ciphertext), Convert.FromBase64String(copy.Keys)));

        Assert.NotNull(demo.Node.Vault.GetKey(record, Patient.Account));
        Assert.Null(demo.Node.Vault.GetKey(record, Doctor.Account));
        var refused = await Assert.ThrowsAsync<CareLedger.Client.Api.NodeApiException>(() => Records.ReadAsync(Doctor, record));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task GrantKeysCopy_Tampered_IsRefused_AndOfARevokedGrant_IsNeitherKeptNorServed()
    {
        var record = (await Records.AddAsync(Patient, Patient.Account, Allergy)).Record;
        var grant = await Records.GrantAsync(Patient, Doctor.Account.ToString(), null, "treatment", [record], [], DateTimeOffset.UtcNow.AddDays(1));
        var set = Convert.FromBase64String(Content.ServeGrantKeys(Patient.Account, grant).Value!.Keys);
        var tampered = (byte[])set.Clone();
        tampered[^1] ^= 1;

        Assert.Equal("Wrapped keys mismatch", Content.StoreGrantKeysCopy(Patient.Account, grant, tampered)?.Title);

        await Records.RevokeAsync(Patient, grant);
        Assert.Null(demo.Node.Vault.GetKey(record, Doctor.Account));
        Assert.Null(demo.Node.Vault.GetGrantKeySet(Patient.Account, grant));
        Assert.Equal(StatusCodes.Status410Gone, Content.StoreGrantKeysCopy(Patient.Account, grant, set)?.Status);
        Assert.Null(demo.Node.Vault.GetKey(record, Doctor.Account));
        Assert.Equal(StatusCodes.Status410Gone, Content.ServeGrantKeys(Patient.Account, grant).Refusal?.Status);
    }

    private List<string> VaultFiles(string record) =>
        [.. demo.VaultFolders(record).Where(Directory.Exists).SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))];
}
