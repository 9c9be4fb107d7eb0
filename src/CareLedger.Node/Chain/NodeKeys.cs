using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Chain;

/// <summary>
/// The keys a node holds, all encrypted at rest under the node passphrase: its validator key
/// (&lt;data&gt;/node), which signs blocks and the node's own transactions, and the custodial keys
/// of its organisation's practitioners (&lt;data&gt;/custodial), which the FHIR endpoint acts with.
/// </summary>
public sealed class NodeKeys : IDisposable
{
    public const string DevPassphrase = "careledger-dev-only";
    private readonly string _passphrase;

    public NodeKeys(string dataDir, string passphrase)
    {
        _passphrase = passphrase;
        var keys = new KeyStore(Path.Combine(dataDir, "node"));
        if (!keys.List().Any(k => k.Name == "validator")) keys.Create("validator", passphrase);
        Validator = keys.Load("validator", passphrase);
        Custodial = new KeyStore(Path.Combine(dataDir, "custodial"));
    }

    /// <summary>
    /// The passphrase from settings or CARELEDGER_NODE_PASSPHRASE. A consortium node must have one;
    /// a demo node falls back to the development passphrase, with a warning.
    /// </summary>
    public static string Passphrase(string? configured, bool consortium, ILogger log)
    {
        var passphrase = configured ?? Environment.GetEnvironmentVariable("CARELEDGER_NODE_PASSPHRASE");
        if (passphrase is not null) return passphrase;
        if (consortium) throw new InvalidOperationException("a consortium node needs CARELEDGER_NODE_PASSPHRASE: it protects the validator and custodial keys at rest");
        log.LogWarning("No node passphrase set (CARELEDGER_NODE_PASSPHRASE); the validator and custodial keys are protected by the development passphrase (demo only)");
        return DevPassphrase;
    }

    public SigningKey Validator { get; }
    public AccountId Account => Validator.Account;
    public KeyStore Custodial { get; }

    public SigningKey LoadCustodial(string name) => Custodial.Load(name, _passphrase);
    public KeyInfo SaveCustodial(string name, SigningKey key) => Custodial.Save(name, key, _passphrase);

    /// <summary>
    /// A 256-bit key derived from the node passphrase (PBKDF2-HMAC-SHA256, <see cref="KeyStore.DefaultIterations"/>), for
    /// wrapping other secrets the node keeps at rest (the notification preferences' key, ADR 0018).
    /// </summary>
    public byte[] DeriveWrappingKey(byte[] salt) =>
        System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(_passphrase, salt, KeyStore.DefaultIterations, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);

    public void Dispose() => Validator.Dispose();
}
