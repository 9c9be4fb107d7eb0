using System.Security.Cryptography;
using System.Text.Json;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Notifications;

/// <summary>
/// Members' notification preferences, kept by this node only (ADR 0018), in <c>&lt;data&gt;/notifications</c>: one file
/// per account, AES-256-GCM under the store's key with the account id as authenticated data (a file cannot be moved
/// under another account); the store's key is itself kept wrapped under a key derived from the node passphrase
/// (<c>key.json</c>). Also remembers which consultation reminders went out, so a restart does not send them twice.
/// </summary>
public sealed class PreferenceStore
{
    private const int NonceBytes = 12, TagBytes = 16;
    private readonly string _folder;
    private readonly byte[] _key;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _reminded;
    /// <summary>What the files say, once read: only this store writes them, so Put and Delete keep it true.</summary>
    private readonly Dictionary<AccountId, NotificationPreferences> _read = [];

    public PreferenceStore(NodeStart start, NodeKeys keys)
    {
        _folder = Path.Combine(start.DataDir, "notifications");
        Directory.CreateDirectory(Path.Combine(_folder, "preferences"));
        _key = LoadOrCreateKey(Path.Combine(_folder, "key.json"), keys);
        _reminded = File.Exists(RemindedPath) ? [.. File.ReadAllLines(RemindedPath).Where(l => l.Length > 0)] : [];
    }

    private string RemindedPath => Path.Combine(_folder, "reminders-sent");
    private string PathOf(AccountId account) => Path.Combine(_folder, "preferences", account + ".bin");

    public NotificationPreferences Get(AccountId account)
    {
        lock (_gate)
        {
            if (_read.TryGetValue(account, out var known)) return known;
            var preferences = !File.Exists(PathOf(account)) ? NotificationPreferences.None
                : JsonSerializer.Deserialize<NotificationPreferences>(Open(File.ReadAllBytes(PathOf(account)), Aad(account)), JsonSerializerOptions.Web) ?? NotificationPreferences.None;
            return _read[account] = preferences;
        }
    }

    public void Put(AccountId account, NotificationPreferences preferences)
    {
        var sealedBytes = Seal(JsonSerializer.SerializeToUtf8Bytes(preferences, JsonSerializerOptions.Web), Aad(account));
        lock (_gate)
        {
            WriteAtomically(PathOf(account), sealedBytes);
            _read[account] = preferences;
        }
    }

    /// <summary>Forgets the member's preferences, address and all (the file is removed, not emptied).</summary>
    public bool Delete(AccountId account)
    {
        lock (_gate)
        {
            _read.Remove(account);
            if (!File.Exists(PathOf(account))) return false;
            File.Delete(PathOf(account));
            return true;
        }
    }

    public bool WasReminded(string booking, AccountId account)
    {
        lock (_gate) return _reminded.Contains(ReminderEntry(booking, account));
    }

    /// <summary>Records that the reminder went out, durably before answering.</summary>
    public void MarkReminded(string booking, AccountId account)
    {
        var entry = ReminderEntry(booking, account);
        lock (_gate)
        {
            if (!_reminded.Add(entry)) return;
            using var file = new FileStream(RemindedPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(System.Text.Encoding.ASCII.GetBytes(entry + "\n"));
            file.Flush(flushToDisk: true);
        }
    }

    private static string ReminderEntry(string booking, AccountId account) => $"{booking} {account}";

    private static byte[] Aad(AccountId account) => System.Text.Encoding.ASCII.GetBytes("careledger/notification-preferences/" + account);

    private byte[] Seal(byte[] plain, byte[] aad) => Seal(_key, plain, aad);

    private byte[] Open(byte[] sealedBytes, byte[] aad) => Open(_key, sealedBytes, aad);

    private static byte[] Seal(byte[] key, byte[] plain, byte[] aad)
    {
        var output = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = output.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceBytes, plain.Length), output.AsSpan(NonceBytes + plain.Length), aad);
        return output;
    }

    private static byte[] Open(byte[] key, byte[] sealedBytes, byte[] aad)
    {
        if (sealedBytes.Length < NonceBytes + TagBytes) throw new InvalidOperationException("a notification preferences file is damaged");
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plain, aad);
        return plain;
    }

    /// <summary>The store's key: made once at random, kept wrapped under the node passphrase (so the data folder alone does not reveal it).</summary>
    private static byte[] LoadOrCreateKey(string path, NodeKeys keys)
    {
        var aad = "careledger/notification-preferences-key"u8.ToArray();
        if (File.Exists(path))
        {
            var stored = JsonSerializer.Deserialize<WrappedKey>(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} is damaged");
            try
            {
                return Open(keys.DeriveWrappingKey(Convert.FromBase64String(stored.Salt)), Convert.FromBase64String(stored.Key), aad);
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new InvalidOperationException($"{path} does not open with this node's passphrase");
            }
        }
        var key = RandomNumberGenerator.GetBytes(32);
        var salt = RandomNumberGenerator.GetBytes(16);
        var wrapped = new WrappedKey(Convert.ToBase64String(salt), Convert.ToBase64String(Seal(keys.DeriveWrappingKey(salt), key, aad)));
        WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(wrapped));
        return key;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private sealed record WrappedKey(string Salt, string Key);
}
