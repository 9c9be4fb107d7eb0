using System.Text.Json;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

public sealed class KeysTests : IDisposable
{
    private const string Passphrase = "correct horse battery";
    private readonly TempFolder _keystore = new();

    private Task<CliResult> RunAsync(string? passphrase, params string[] args) => CliRunner.RunAsync(passphrase, [.. args, "--keystore", _keystore.Path]);

    [Fact]
    public async Task KeysNew_ThenListAndShow_ShowTheSameAccount()
    {
        var created = await RunAsync(Passphrase, "keys", "new", "dr-lee");
        var listed = await RunAsync(null, "keys", "list", "--json");
        var shown = await RunAsync(null, "keys", "show", "dr-lee", "--json");

        Assert.True(created.ExitCode == 0, created.ToString());
        var list = JsonDocument.Parse(listed.Output).RootElement;
        var key = JsonDocument.Parse(shown.Output).RootElement;
        Assert.Equal("dr-lee", Assert.Single(list.EnumerateArray()).GetProperty("name").GetString());
        var account = key.GetProperty("account").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", account);
        Assert.Equal(account, list[0].GetProperty("account").GetString());
        Assert.Contains(account, created.Output);
        Assert.False(string.IsNullOrEmpty(key.GetProperty("publicKey").GetString()));
        Assert.DoesNotContain(Passphrase, created.Output + created.Errors);
    }

    [Fact]
    public async Task KeysNew_NameTaken_FailsWithOneLineAndKeepsTheKey()
    {
        await RunAsync(Passphrase, "keys", "new", "clinic-admin");
        var before = await RunAsync(null, "keys", "show", "clinic-admin", "--json");

        var again = await RunAsync(Passphrase, "keys", "new", "clinic-admin");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", Assert.Single(again.ErrorLines));
        Assert.Equal(before.Output, (await RunAsync(null, "keys", "show", "clinic-admin", "--json")).Output);
    }

    [Fact]
    public async Task KeysShow_UnknownKey_FailsWithOneLine()
    {
        var result = await RunAsync(null, "keys", "show", "nobody");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no key named 'nobody'", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task SigningCommand_WrongPassphrase_FailsBeforeContactingTheNode()
    {
        await RunAsync(Passphrase, "keys", "new", "admin");

        var result = await RunAsync("not the passphrase", "member", "add", new string('a', 64), "--role", "patient", "--key", "admin", "--node", CliRunner.UnreachableNode);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("wrong passphrase for key 'admin'", Assert.Single(result.ErrorLines));
        Assert.DoesNotContain("not the passphrase", result.Output + result.Errors);
    }

    [Fact]
    public async Task SigningCommand_NoPassphraseAndNoTerminal_SaysHowToGiveOne()
    {
        await RunAsync(Passphrase, "keys", "new", "admin");

        var result = await RunAsync(null, "member", "add", new string('a', 64), "--role", "patient", "--key", "admin");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CARELEDGER_PASSPHRASE", Assert.Single(result.ErrorLines));
    }

    public void Dispose() => _keystore.Dispose();
}
