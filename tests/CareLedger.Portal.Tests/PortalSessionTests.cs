using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>A session survives a reload, holds the key only as non-extractable CryptoKeys, and ends at sign-out.</summary>
[Collection(PortalCollection.Name)]
public class PortalSessionTests(BrowserFixture fx)
{
    [Fact]
    public async Task ASignedInPerson_StaysSignedInAcrossAReload_UntilTheySignOut()
    {
        await using var context = await fx.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var portal = new Uri(fx.Node.BaseAddress, "portal/").ToString();
        await page.GotoAsync(portal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Li Chen" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Li Chen (pharmacist)", new() { Timeout = Slow });

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Li Chen (pharmacist)", new() { Timeout = Slow });

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to CareLedger" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to CareLedger" })).ToBeVisibleAsync(new() { Timeout = Slow });
        Assert.Equal(0, await page.GetByTestId("signed-in-as").CountAsync());
    }

    [Fact]
    public async Task AReloadWhileTheNodeCannotBeReached_SaysSo_AndKeepsTheSessionForWhenItIsBack()
    {
        await using var context = await fx.Browser.NewContextAsync();
        var page = await SignInAsDemoAsync(fx, context, "Li Chen");

        // The portal's files still load, but the node's API does not answer.
        await context.RouteAsync("**/v1/**", route => route.AbortAsync("connectionrefused"));
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("unreachable")).ToBeVisibleAsync(new() { Timeout = Slow });
        Assert.Equal(0, await page.GetByTestId("signed-in-as").CountAsync());

        await context.UnrouteAllAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync("Li Chen (pharmacist)", new() { Timeout = Slow });
    }

    [Fact]
    public async Task TheKeptSession_HoldsNonExtractableKeys_AndNoPassphraseNorKeyBytes()
    {
        await using var context = await fx.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("patient", new() { Timeout = Slow });

        var kept = await page.EvaluateAsync<string>("""
            () => new Promise((resolve, reject) => {
              const open = indexedDB.open('careledger-keys');
              open.onsuccess = () => {
                const get = open.result.transaction('session').objectStore('session').get('current');
                get.onsuccess = async () => {
                  const h = get.result.handle;
                  let exported = 'refused';
                  try { await crypto.subtle.exportKey('pkcs8', h.sign); exported = 'exported'; } catch { }
                  resolve([h.sign.extractable, h.agree.extractable, exported, Object.keys(h).sort().join(',')].join(' '));
                };
                get.onerror = () => reject(get.error);
              };
            })
            """);

        Assert.Equal("false false refused account,agree,name,publicKey,sign", kept);
    }
}
