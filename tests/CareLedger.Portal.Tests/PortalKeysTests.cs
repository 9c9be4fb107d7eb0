using System.Net;
using System.Text;
using System.Text.Json;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>The portal as the node serves it, and the browser's key store against the CLI's.</summary>
[Collection(PortalMediaCollection.Name)]
public class PortalKeysTests(BrowserFixture fx)
{
    [Fact]
    public async Task Node_ServesThePortal_AndADeepLinkLoadsTheApp()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fx.Node.BaseAddress };
        var index = await http.GetStringAsync("portal/");
        Assert.Contains("<base href=\"/portal/\" />", index);
        Assert.Equal(index, await http.GetStringAsync("portal/records/abc"));
        using (var bare = await http.GetAsync("portal"))
        {
            Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
            Assert.Equal("/portal/", bare.Headers.Location?.OriginalString);
        }
        using (var missing = await http.GetAsync("portal/no-such-file.js")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using (var keysJs = await http.GetAsync("portal/js/keys.js")) Assert.Equal(HttpStatusCode.OK, keysJs.StatusCode);
        using (var page0 = await http.GetAsync("portal/keys")) // every test here runs under it: the portal works within it
            Assert.Contains("script-src 'self' 'wasm-unsafe-eval'", page0.Headers.GetValues("Content-Security-Policy").Single());

        var page = await OpenKeysAsync(fx); // /portal/keys: a deep link, answered with index.html and routed by Blazor
        await Assertions.Expect(page.GetByTestId("no-keys")).ToBeVisibleAsync();

        var explorer = await fx.OpenAsync();
        await Assertions.Expect(explorer.GetByRole(AriaRole.Link, new() { Name = "Sign in to the portal" })).ToHaveAttributeAsync("href", "/portal/");
    }

    [Fact]
    public async Task DemoKeyFile_ImportedInTheBrowser_SignsWhatDotNetVerifies_InLowS()
    {
        var info = new KeyStore(Path.Combine(fx.Node.DataDir, "demo-keys")).Show("patient-jones");
        var page = await OpenKeysAsync(fx);
        await ImportAsync(page, DemoKeyFile(fx, "patient-jones"), "demo");
        await Assertions.Expect(page.GetByTestId("unlocked-account")).ToHaveTextAsync(info.Account.ToString(), new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("key-row")).ToContainTextAsync("patient-jones");
        // Signing in asks the node who the account is, with a request signed in the browser: the SDK over BrowserAccountKey.
        await Assertions.Expect(page.GetByTestId("key-status")).ToContainTextAsync("you are signed in as", new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("key-status")).ToContainTextAsync("you are signed in as a patient");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("patient");

        // WebCrypto draws s from either half; eight signatures all low by chance would be 1 in 256.
        var previous = "";
        for (var i = 0; i < 8; i++)
        {
            var message = $"careledger test message {i}";
            await page.GetByLabel("Message to sign").FillAsync(message);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign", Exact = true }).ClickAsync();
            var signature = page.GetByTestId("signature");
            await Assertions.Expect(signature).Not.ToHaveTextAsync(previous, new() { Timeout = Slow });
            previous = await signature.InnerTextAsync();
            var bytes = Convert.FromBase64String(previous);
            Assert.True(LowS.IsLow(bytes), $"signature {i} is not low-S");
            Assert.True(SignatureVerifier.Verify(info.PublicKey, Hash256.Of(Encoding.UTF8.GetBytes(message)), bytes), $"signature {i} does not verify");
        }

        // Kept verbatim: exporting gives back the CLI's file, byte for byte.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export" }).ClickAsync());
        using var folder = new TempFolder();
        await download.SaveAsAsync(Path.Combine(folder.Path, download.SuggestedFilename));
        Assert.Equal(await File.ReadAllBytesAsync(DemoKeyFile(fx, "patient-jones")), await File.ReadAllBytesAsync(Path.Combine(folder.Path, "patient-jones.key.json")));
    }

    [Fact]
    public async Task KeyCreatedInTheBrowser_Exported_LoadsInTheCli_WithTheSameAccount()
    {
        var page = await OpenKeysAsync(fx);
        await page.GetByLabel("Key name").FillAsync("made-in-browser");
        await page.GetByLabel("New passphrase").FillAsync("correct horse");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var accountCell = page.GetByTestId("unlocked-account");
        await Assertions.Expect(accountCell).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"), new() { Timeout = Slow });
        var account = await accountCell.InnerTextAsync();
        await Assertions.Expect(page.GetByTestId("key-status")).ToContainTextAsync("not registered on the ledger yet");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export" }).ClickAsync());
        Assert.Equal("made-in-browser.key.json", download.SuggestedFilename);
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, download.SuggestedFilename);
        await download.SaveAsAsync(path);

        var cli = new KeyStore(folder.Path);
        using var key = cli.Load("made-in-browser", "correct horse");
        Assert.Equal(account, key.Account.ToString());
        Assert.Equal(account, Assert.Single(cli.List()).Account.ToString());
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(KeyStore.DefaultIterations, file.RootElement.GetProperty("kdf").GetProperty("iterations").GetInt32());

        // Kept in IndexedDB: after a reload the key is listed, locked, and opens with its passphrase.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("key-row")).ToContainTextAsync(account, new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("unlocked")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Unlock", Exact = true }).ClickAsync();
        await page.GetByTestId("unlock-form").GetByLabel("Passphrase").FillAsync("correct horse");
        await page.GetByTestId("unlock-form").GetByRole(AriaRole.Button, new() { Name = "Unlock" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("unlocked-account")).ToHaveTextAsync(account, new() { Timeout = Slow });

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete for good" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("no-keys")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("unlocked")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task WrongPassphrase_ShowsOneClearSentence()
    {
        const string expected = "Wrong passphrase for key 'dr-rivera' (or the key file is damaged).";
        var page = await OpenKeysAsync(fx);
        await ImportAsync(page, DemoKeyFile(fx, "dr-rivera"), "not-the-passphrase");
        var alert = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(alert).ToHaveTextAsync(expected, new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("no-keys")).ToBeVisibleAsync(); // a file that does not open is not kept

        await ImportAsync(page, DemoKeyFile(fx, "dr-rivera"), "demo");
        await Assertions.Expect(page.GetByTestId("unlocked")).ToBeVisibleAsync(new() { Timeout = Slow });
        await page.GetByRole(AriaRole.Button, new() { Name = "Lock", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Unlock", Exact = true }).ClickAsync();
        await page.GetByTestId("unlock-form").GetByLabel("Passphrase").FillAsync("still-wrong");
        await page.GetByTestId("unlock-form").GetByRole(AriaRole.Button, new() { Name = "Unlock" }).ClickAsync();
        await Assertions.Expect(alert).ToHaveTextAsync(expected, new() { Timeout = Slow });
        var text = await alert.InnerTextAsync();
        Assert.DoesNotContain("\n", text);
        Assert.DoesNotContain(" at ", text);
        Assert.DoesNotContain("Error", text);
        await Assertions.Expect(page.GetByTestId("unlocked")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task OverPlainHttpFromAnotherComputer_ThePortalSaysWhyItCannotWork()
    {
        // http://careledger.test is not a secure context (127.0.0.1 is), so the browser gives it no crypto.subtle.
        await using var context = await fx.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.RouteAsync("http://careledger.test/**", async route =>
        {
            var real = route.Request.Url.Replace("http://careledger.test/", fx.Node.BaseAddress.ToString());
            await route.FulfillAsync(new() { Response = await route.FetchAsync(new() { Url = real }) });
        });
        await page.GotoAsync("http://careledger.test/portal/keys");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "This browser withholds its cryptography from this page: open the portal over https, or on the node's own computer.", new() { Timeout = Slow });
    }
}
