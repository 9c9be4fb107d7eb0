using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Ledger.Cryptography;
using Spectre.Console.Cli;

namespace CareLedger.Cli;

/// <summary>Options of commands that name accounts: an account id, or the name of a key in the keystore.</summary>
public class AccountSettings : NodeSettings
{
    [CommandOption("--keystore <DIR>")]
    [Description("The keystore folder. Default: $CARELEDGER_KEYSTORE, else ~/.careledger/keys")]
    public string? Keystore { get; init; }

    [CommandOption("--as <NAME>")]
    [Description("Read as this keystore key: the node answers reads about a person only to those they concern. Default: the key the command names as patient, practitioner or account, else the signing key")]
    public string? As { get; init; }

    public KeyStore OpenKeyStore() => new(Keystore ?? KeyStore.DefaultFolder);

    /// <summary>Whom the command reads about, when that is a person the user may hold the key of (a key name reads as them).</summary>
    public virtual string? ReadsAbout => null;

    /// <summary>
    /// The node, read as the key of --as; else as the key the command reads about, when it is a key in the keystore; else
    /// as the signing key; else anonymously (public data only).
    /// </summary>
    public NodeClient ConnectAs(HttpClient http, CliSession session)
    {
        var node = new NodeClient(http);
        var name = As ?? (ReadsAbout is { } about && !AccountId.TryParse(about, out _) ? about : null) ?? (this as SignerSettings)?.Key;
        session.ReadingAs = "";
        if (string.IsNullOrEmpty(name)) return node;
        var store = OpenKeyStore();
        try { store.Show(name); }
        catch (KeyStoreException) when (As is null) { return node; }
        var reader = node.As(store.Load(name, session.PassphraseFor(name)));
        session.ReadingAs = name;
        return reader;
    }

    public AccountNames Names() => new(OpenKeyStore().List());

    /// <summary>An account given as 64 hex characters, or as the name of a key in the keystore (no passphrase needed).</summary>
    public AccountId ResolveAccount(string reference)
    {
        if (AccountId.TryParse(reference, out var id)) return id;
        var store = OpenKeyStore();
        try { return store.Show(reference).Account; }
        catch (KeyStoreException)
        {
            throw new CliException($"'{reference}' is neither an account id (64 hex characters) nor a key in {store.Folder}");
        }
    }
}
