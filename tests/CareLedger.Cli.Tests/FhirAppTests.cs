using CareLedger.Cli.Tests.Support;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>
/// The operator registers, lists and removes SMART apps on a running node with <c>careledger fhir app</c> (ADR 0025): the
/// app's key is kept in the node's custodial store, enrolled on the ledger as a service of the organisation and published.
/// The app's OAuth journey is tested in CareLedger.Fhir.Tests and CareLedger.Portal.Tests.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class FhirAppTests(DemoNodeFixture node) : IDisposable
{
    private readonly TempFolder _files = new();

    public void Dispose() => _files.Dispose();

    private string Custodial => Path.Combine(node.Node.DataDir, "custodial");

    private string PassphraseFile(string passphrase)
    {
        var path = _files.File($"node-passphrase-{Guid.NewGuid():N}");
        File.WriteAllText(path, passphrase + "\n");
        return path;
    }

    private string[] Register(string name, string redirectUri, string nodePassphrase = "test-node-passphrase") =>
        ["fhir", "app", "register", "--data", node.Node.DataDir, "--name", name, "--redirect-uri", redirectUri, "--key", "clinic-admin",
         "--keystore", node.Keystore, "--node", node.Node.BaseAddress.ToString(), "--node-passphrase-file", PassphraseFile(nodePassphrase)];

    [Fact]
    public async Task Register_EnrolsTheAppsKeyAsAServiceOfTheOrganisation_ListShowsIt_RemoveForgetsItAndItsKey()
    {
        var name = "Diary " + Guid.NewGuid().ToString("N")[..6];

        var registered = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, Register(name, "https://diary.example/callback"));

        Assert.True(registered.ExitCode == 0, registered.ToString());
        var app = new RegisteredApps(Custodial).Read().Single(a => a.Name == name);
        Assert.Contains(app.ClientId, registered.Output);
        Assert.Equal(["https://diary.example/callback"], app.RedirectUris);
        var member = node.Node.Ledger.FindMember(AccountId.Parse(app.Account))!;
        Assert.Equal(("service", "city-clinic", name), (member.Role, member.Organisation, member.Name));
        Assert.NotNull(node.Node.Store.Get($"records/key/{app.Account}"));
        using (var key = new KeyStore(Custodial).Load(app.KeyName, "test-node-passphrase")) Assert.Equal(app.Account, key.Account.ToString());

        var listed = await CliRunner.RunAsync(null, "fhir", "app", "list", "--data", node.Node.DataDir);
        Assert.Contains(app.ClientId, listed.Output);

        var removed = await CliRunner.RunAsync(null, "fhir", "app", "remove", "--data", node.Node.DataDir, "--client-id", app.ClientId);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.DoesNotContain(new RegisteredApps(Custodial).Read(), a => a.ClientId == app.ClientId);
        Assert.DoesNotContain(new KeyStore(Custodial).List(), k => k.Name == app.KeyName);
    }

    [Theory]
    [InlineData("http://diary.example/callback", "plain http")]
    [InlineData("https://diary.example/callback#part", "fragment")]
    [InlineData("diary/callback", "not an absolute")]
    public async Task Register_ABadRedirectUri_IsOneLine_AndChangesNothing(string redirectUri, string says)
    {
        var before = new RegisteredApps(Custodial).Read().Count;

        var result = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, Register("Bad Redirect", redirectUri));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(says, Assert.Single(result.ErrorLines));
        Assert.Equal(before, new RegisteredApps(Custodial).Read().Count);
    }

    [Fact]
    public async Task Register_WithAWrongNodePassphrase_EnrolsNothing()
    {
        var name = "Wrong Passphrase " + Guid.NewGuid().ToString("N")[..6];
        var before = node.Node.Ledger.State.Scan("membership/member/").Count();

        var result = await CliRunner.RunAsync(DemoNodeFixture.Passphrase, Register(name, "https://diary.example/callback", "not the node's"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("node passphrase", Assert.Single(result.ErrorLines));
        Assert.DoesNotContain(new RegisteredApps(Custodial).Read(), a => a.Name == name);
        Assert.Equal(before, node.Node.Ledger.State.Scan("membership/member/").Count());
    }

    [Fact]
    public async Task Remove_AnUnknownClientId_IsOneLine()
    {
        var result = await CliRunner.RunAsync(null, "fhir", "app", "remove", "--data", node.Node.DataDir, "--client-id", "0123456789abcdef0123456789abcdef");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no app with client_id", Assert.Single(result.ErrorLines));
    }
}
