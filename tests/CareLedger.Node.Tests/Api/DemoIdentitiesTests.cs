using System.Net;
using System.Net.Http.Json;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Demo;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Api;

[Collection(DemoNodeCollection.Name)]
public sealed class DemoIdentitiesTests(DemoNodeFixture demo)
{
    [Fact]
    public async Task ADemoNode_PublishesEachPersonasKeyFile_WhichTheCliKeystoreUnlocksWithTheDemoPassphrase()
    {
        var identities = (await demo.Http.GetFromJsonAsync<List<DemoIdentitiesApi.DemoIdentity>>("v1/demo/identities"))!;

        Assert.Equal(DemoConsortium.Participants.Select(p => p.KeyName), identities.Select(i => i.KeyName));
        using var folder = new TempFolder();
        foreach (var identity in identities)
        {
            File.WriteAllText(Path.Combine(folder.Path, identity.KeyName + ".key.json"), identity.KeyFile);
            using var key = new KeyStore(folder.Path).Load(identity.KeyName, DemoConsortium.Passphrase);
            Assert.Equal(demo.Account(identity.KeyName).ToString(), identity.Account);
            Assert.Equal(key.Account.ToString(), identity.Account);
        }
        Assert.Equal("patient", identities.Single(i => i.KeyName == "patient-jones").Role);
    }

    [Fact]
    public async Task ANodeWithoutDemoKeys_Answers404WithAClearSentence()
    {
        await using var node = await InProcessNode.StartAsync();
        await node.Client.WaitUntilIdleAsync();
        Directory.Delete(Path.Combine(node.DataDir, DemoConsortium.KeyFolderName), recursive: true);

        using var response = await node.Client.Http.GetAsync("v1/demo/identities");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not the demo", await response.Content.ReadAsStringAsync());
    }
}
