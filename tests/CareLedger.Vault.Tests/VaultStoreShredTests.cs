using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Storage;

namespace CareLedger.Vault.Tests;

/// <summary>
/// Shredding a record leaves nothing of it in the vault (ADR 0022): ciphertexts, wrapped keys, its versions' key sets,
/// and every grant's key set that names it — while other records and grants keep theirs.
/// </summary>
public sealed class VaultStoreShredTests : IDisposable
{
    private const string Erased = "0123456789abcdef0123456789abcdef";
    private const string Kept = "fedcba9876543210fedcba9876543210";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vault-shred-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Shred_DeletesTheRecordsBlobsKeysAndKeySets_AndEveryGrantKeySetNamingIt_ButNoOtherRecords()
    {
        var vault = new VaultStore(_folder);
        using var patient = SigningKey.Generate();
        using var reader = SigningKey.Generate();
        foreach (var record in new[] { Erased, Kept })
        {
            vault.PutBlob(record, [1, 2, 3]);
            vault.PutKey(record, reader.Account, [4, 5, 6]);
            vault.PutKeySet(record, 1, SetOf($"{reader.Account}"));
        }
        vault.PutGrantKeySet(patient.Account, "11111111111111111111111111111111", SetOf($"{Erased}/{reader.Account}", $"{Kept}/{reader.Account}"));
        vault.PutGrantKeySet(patient.Account, "22222222222222222222222222222222", SetOf($"{Kept}/{reader.Account}"));

        vault.Shred(Erased);

        Assert.DoesNotContain(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories), f => f.Contains(Erased, StringComparison.Ordinal));
        Assert.Null(vault.GetGrantKeySet(patient.Account, "11111111111111111111111111111111"));
        Assert.NotNull(vault.GetGrantKeySet(patient.Account, "22222222222222222222222222222222"));
        Assert.NotNull(vault.GetKeySet(Kept, 1));
        Assert.NotNull(vault.GetKey(Kept, reader.Account));
        Assert.NotNull(vault.GetBlob(Kept, Hash256.Of([1, 2, 3])));
    }

    private static byte[] SetOf(params string[] names)
    {
        var set = new WrappedKeySet();
        foreach (var name in names) set.Add(name, [7, 8, 9]);
        return set.Encode();
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
