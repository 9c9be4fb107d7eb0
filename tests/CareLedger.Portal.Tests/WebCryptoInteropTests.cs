using System.Security.Cryptography;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Crypto;
using Microsoft.Playwright;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The record primitives of keys.js (behind WebCryptoRecordCrypto) against DotNetRecordCrypto: what one seals the other
/// opens, and both agree on ECDH and HKDF. Driven through the module itself, in the portal's page.
/// </summary>
[Collection(PortalCollection.Name)]
public class WebCryptoInteropTests(BrowserFixture fx)
{
    // Byte arrays cross as base64; `keys` is the portal's module.
    private const string Prelude = """
        const b64 = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));
        const s64 = b => btoa(Array.from(b, x => String.fromCharCode(x)).join(''));
        const keys = await import('/portal/js/keys.js');
        """;

    private static readonly DotNetRecordCrypto DotNet = DotNetRecordCrypto.Instance;

    private async Task<string> InBrowserAsync(IPage page, string body, object args) =>
        await page.EvaluateAsync<string>($"async a => {{ {Prelude} {body} }}", args);

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    [Fact]
    public async Task AesGcm_SealedInDotNet_OpensInTheBrowser_AndBack()
    {
        var page = await fx.OpenAsync("portal/");
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var aad = "careledger/record/v1/rec-1/1"u8.ToArray();
        var plaintext = "a record's plaintext"u8.ToArray();
        var args = new { key = B64(key), nonce = B64(nonce), aad = B64(aad) };

        var sealedInDotNet = await DotNet.EncryptAsync(key, nonce, plaintext, aad);
        var opened = await InBrowserAsync(page, "return s64(await keys.aesGcmDecrypt(b64(a.key), b64(a.nonce), b64(a.sealed), b64(a.aad)));",
            new { args.key, args.nonce, args.aad, @sealed = B64(sealedInDotNet) });
        Assert.Equal(plaintext, Convert.FromBase64String(opened));

        var sealedInBrowser = await InBrowserAsync(page, "return s64(await keys.aesGcmEncrypt(b64(a.key), b64(a.nonce), b64(a.plain), b64(a.aad)));",
            new { args.key, args.nonce, args.aad, plain = B64(plaintext) });
        Assert.Equal(sealedInDotNet, Convert.FromBase64String(sealedInBrowser)); // same key and nonce: the very same bytes
        Assert.Equal(plaintext, await DotNet.DecryptAsync(key, nonce, Convert.FromBase64String(sealedInBrowser), aad));

        var tampered = (byte[])sealedInDotNet.Clone();
        tampered[0] ^= 1;
        var refusal = await InBrowserAsync(page, "try { await keys.aesGcmDecrypt(b64(a.key), b64(a.nonce), b64(a.sealed), b64(a.aad)); return 'opened'; } catch (e) { return e.message; }",
            new { args.key, args.nonce, args.aad, @sealed = B64(tampered) });
        Assert.Equal("[keys] ciphertext does not authenticate", refusal);
    }

    [Fact]
    public async Task Hkdf_IsTheSameInBothPlaces()
    {
        var page = await fx.OpenAsync("portal/");
        var secret = RandomNumberGenerator.GetBytes(32);
        var salt = RandomNumberGenerator.GetBytes(91);
        var info = "careledger/wrap/v1/rec-1/someone"u8.ToArray();
        var derived = await InBrowserAsync(page, "return s64(await keys.hkdf(b64(a.secret), b64(a.salt), b64(a.info), 32));",
            new { secret = B64(secret), salt = B64(salt), info = B64(info) });
        Assert.Equal(await DotNet.HkdfAsync(secret, salt, info, 32), Convert.FromBase64String(derived));
    }

    [Fact]
    public async Task EphemeralAgreement_InTheBrowser_IsTheSecretTheReaderDerivesInDotNet()
    {
        var page = await fx.OpenAsync("portal/");
        using var reader = SigningKey.Generate();
        var both = Convert.FromBase64String(await InBrowserAsync(page, "return s64(await keys.agreeEphemeral(b64(a.peer)));", new { peer = B64(reader.PublicKey) }));
        var (ephemeral, secret) = (both[..^32], both[^32..]);
        Assert.Equal(secret, await reader.AgreeAsync(ephemeral));

        var refusal = await InBrowserAsync(page, "try { await keys.agreeEphemeral(b64(a.peer)); return 'agreed'; } catch (e) { return e.message; }",
            new { peer = B64([1, 2, 3]) });
        Assert.Equal("[keys] the public key is not a P-256 key", refusal);
    }

    [Fact]
    public async Task UnlockedDemoKey_InTheBrowser_AgreesWithDotNetsEphemeralKey()
    {
        var page = await fx.OpenAsync("portal/");
        var file = await File.ReadAllTextAsync(PortalPage.DemoKeyFile(fx, "pharmacist-chen"));
        var info = new KeyStore(Path.Combine(fx.Node.DataDir, "demo-keys")).Show("pharmacist-chen");
        var (ephemeral, secret) = await DotNet.AgreeEphemeralAsync(info.PublicKey);
        var agreed = await InBrowserAsync(page, """
            const key = await keys.importFile(a.file, 'demo');
            return s64(await keys.agree(key, b64(a.peer)));
            """, new { file, peer = B64(ephemeral) });
        Assert.Equal(secret, Convert.FromBase64String(agreed));
    }

    [Fact]
    public async Task Verify_InTheBrowser_AcceptsDotNetsSignature_AndRefusesAlteredOnes()
    {
        var page = await fx.OpenAsync("portal/");
        using var signer = SigningKey.Generate();
        var message = "a receipt's signed bytes"u8.ToArray();
        var signature = await signer.SignAsync(message);
        const string check = "return String(await keys.verify(b64(a.key), b64(a.message), b64(a.signature)));";

        Assert.Equal("true", await InBrowserAsync(page, check, new { key = B64(signer.PublicKey), message = B64(message), signature = B64(signature) }));
        var altered = (byte[])message.Clone();
        altered[0] ^= 1;
        Assert.Equal("false", await InBrowserAsync(page, check, new { key = B64(signer.PublicKey), message = B64(altered), signature = B64(signature) }));
        Assert.Equal("false", await InBrowserAsync(page, check, new { key = B64([1, 2, 3]), message = B64(message), signature = B64(signature) }));
    }
}
