using System.Security.Cryptography;
using System.Text.Json;

namespace CareLedger.Ledger.Cryptography;

/// <summary>A key as listed: its name and public parts. Listing needs no passphrase.</summary>
public sealed record KeyInfo(string Name, AccountId Account, byte[] PublicKey, DateTimeOffset Created);

/// <summary>A key that could not be created, found or unlocked.</summary>
public sealed class KeyStoreException(string message) : Exception(message);

/// <summary>
/// A folder of P-256 keys, one JSON file each. The private key (PKCS#8) is encrypted with
/// AES-256-GCM under a key derived from the passphrase by PBKDF2-HMAC-SHA256 (600,000
/// iterations by default, OWASP's 2023 figure); the account id is the authenticated data, so a
/// file cannot be swapped under another name. Nothing private is ever written in plaintext.
/// </summary>
public sealed class KeyStore(string folder, int iterations = KeyStore.DefaultIterations)
{
    public const int DefaultIterations = 600_000;
    private const int MinIterations = 10_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Folder { get; } = folder;

    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable("CARELEDGER_KEYSTORE")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".careledger", "keys");

    public KeyInfo Create(string name, string passphrase)
    {
        using var key = SigningKey.Generate();
        return Save(name, key, passphrase);
    }

    public KeyInfo Save(string name, SigningKey key, string passphrase)
    {
        CheckName(name);
        if (passphrase.Length < 4) throw new KeyStoreException("the passphrase must be at least 4 characters");
        var path = PathOf(name);
        if (File.Exists(path)) throw new KeyStoreException($"a key named '{name}' already exists");
        System.IO.Directory.CreateDirectory(Folder);

        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var wrappingKey = Derive(passphrase, salt, iterations);
        var plaintext = key.ExportPkcs8();
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(wrappingKey, 16)) aes.Encrypt(nonce, plaintext, ciphertext, tag, key.Account.Hash.Span);
        CryptographicOperations.ZeroMemory(plaintext);
        CryptographicOperations.ZeroMemory(wrappingKey);

        var file = new KeyFile(1, name, key.Account.ToString(), Convert.ToBase64String(key.PublicKey), DateTimeOffset.UtcNow,
            new KdfParams("PBKDF2-HMAC-SHA256", iterations, Convert.ToBase64String(salt)),
            new CipherParams("AES-256-GCM", Convert.ToBase64String(nonce), Convert.ToBase64String(tag), Convert.ToBase64String(ciphertext)));
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(file, Json));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path);
        return ToInfo(file);
    }

    public IReadOnlyList<KeyInfo> List()
    {
        if (!System.IO.Directory.Exists(Folder)) return [];
        return System.IO.Directory.GetFiles(Folder, "*.key.json").Order(StringComparer.Ordinal)
            .Select(p => ToInfo(Read(p))).ToList();
    }

    public KeyInfo Show(string name) => ToInfo(Read(PathOf(name)));

    /// <summary>Deletes a key's file; false when there was none. What it protected cannot be recovered from this store.</summary>
    public bool Delete(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    public SigningKey Load(string name, string passphrase)
    {
        var file = Read(PathOf(name));
        if (file.Kdf.Iterations < MinIterations) throw new KeyStoreException($"key '{name}' uses too few KDF iterations to trust");
        var wrappingKey = Derive(passphrase, Convert.FromBase64String(file.Kdf.Salt), file.Kdf.Iterations);
        var ciphertext = Convert.FromBase64String(file.Cipher.Ciphertext);
        var plaintext = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(wrappingKey, 16);
            aes.Decrypt(Convert.FromBase64String(file.Cipher.Nonce), ciphertext, Convert.FromBase64String(file.Cipher.Tag), plaintext,
                AccountId.Parse(file.Account).Hash.Span);
            var key = SigningKey.FromPkcs8(plaintext);
            if (key.Account.ToString() != file.Account) throw new KeyStoreException($"key file '{name}' is damaged");
            return key;
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new KeyStoreException($"wrong passphrase for key '{name}' (or the key file is damaged)");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(wrappingKey);
        }
    }

    private static byte[] Derive(string passphrase, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(System.Text.Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA256, 32);

    private string PathOf(string name)
    {
        CheckName(name);
        return Path.Combine(Folder, name + ".key.json");
    }

    private static void CheckName(string name)
    {
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || name.StartsWith('.'))
            throw new KeyStoreException($"'{name}' is not a valid key name (letters, digits, '-', '_', '.'; at most 64)");
    }

    private static KeyFile Read(string path)
    {
        if (!File.Exists(path)) throw new KeyStoreException($"no key named '{Path.GetFileName(path).Replace(".key.json", "")}' in {Path.GetDirectoryName(path)}");
        try { return JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path), Json) ?? throw new JsonException("empty"); }
        catch (JsonException) { throw new KeyStoreException($"key file {path} is damaged"); }
    }

    private static KeyInfo ToInfo(KeyFile f) => new(f.Name, AccountId.Parse(f.Account), Convert.FromBase64String(f.PublicKey), f.Created);

    private sealed record KeyFile(int Version, string Name, string Account, string PublicKey, DateTimeOffset Created, KdfParams Kdf, CipherParams Cipher);
    private sealed record KdfParams(string Algorithm, int Iterations, string Salt);
    private sealed record CipherParams(string Algorithm, string Nonce, string Tag, string Ciphertext);
}
