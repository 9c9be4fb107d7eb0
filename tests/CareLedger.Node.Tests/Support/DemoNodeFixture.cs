using System.Net.Http.Json;
using System.Text;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Support;

/// <summary>One in-process demo node shared by the API tests, which run one after another against it.</summary>
public sealed class DemoNodeFixture : IAsyncLifetime
{
    private InProcessNode? _node;
    private DemoKeys? _keys;

    public InProcessNode Node => _node ?? throw new InvalidOperationException("the node has not started");
    public NodeClient Client => Node.Client;
    public HttpClient Http => Node.Client.Http;
    public RequestAudience Audience => Node.Audience;
    public DemoKeys Keys => _keys ?? throw new InvalidOperationException("the node has not started");
    public string ChainId => "careledger-demo";

    public async Task InitializeAsync()
    {
        // Consultation rooms open two hours ahead here, so that tests find slots of their own in that window (RoomTests).
        _node = await InProcessNode.StartAsync("--CareLedger:RoomOpensMinutesBefore=120");
        await _node.Client.WaitUntilIdleAsync();
        _keys = new DemoKeys(_node.DataDir);
    }

    public async Task DisposeAsync()
    {
        _keys?.Dispose();
        if (_node is not null) await _node.DisposeAsync();
    }

    /// <summary>A draft from the named demo member with their next unused nonce.</summary>
    public async Task<TxDraft> DraftAsync(string sender)
    {
        var key = Keys[sender];
        var account = await Client.GetAccountAsync(key.Account);
        return new TxDraft(key, ChainId, account.LastNonce + 1);
    }

    public AccountId Account(string name) => Keys[name].Account;

    public Task<HttpResponseMessage> PostTransactionAsync(string base64, bool wait = true) =>
        Http.PostAsJsonAsync($"v1/transactions?wait={(wait ? "true" : "false")}", new { transaction = base64 });

    public Task<HttpResponseMessage> PostRawAsync(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new(contentType);
        return Http.PostAsync(path, content);
    }

    public Task<HttpResponseMessage> PostTextAsync(string path, string body, string contentType = "application/json") =>
        PostRawAsync(path, Encoding.UTF8.GetBytes(body), contentType);
}

[CollectionDefinition(Name)]
public sealed class DemoNodeCollection : ICollectionFixture<DemoNodeFixture>
{
    public const string Name = "demo node";
}
