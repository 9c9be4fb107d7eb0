using System.Net;
using System.Net.Http.Json;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Node.Consortium;
using CareLedger.Node.Records;
using CareLedger.Node.Tests.Support;
using CareLedger.Vault.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace CareLedger.Node.Tests.Records;

/// <summary>
/// Reads of an item the node lacks ask its peers once (ADR 0022): concurrent reads share one fetch, and for a moment after
/// no peer had it, reads ask nobody. <see cref="VaultCopies"/> runs on the demo node's own ledger and vault, with one
/// peer listed in an in-memory block log whose answers a handler in the test gives and counts.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class VaultCopySingleFlightTests(DemoNodeFixture demo)
{
    private const string Allergy = """{"resourceType":"AllergyIntolerance","patient":{"reference":"Patient/jones"},"code":{"text":"latex"}}""";

    private RecordContent Content => demo.Node.Service<RecordContent>();
    private SigningKey Patient => demo.Keys["patient-jones"];

    [Fact]
    public async Task ConcurrentReads_OfAVersionTheNodeLacks_ShareOneFetchFromThePeers()
    {
        var (record, copy) = await demo.AddAndForgetAsync(Allergy);
        var peer = new Peer(HttpStatusCode.OK, copy);
        var copies = await CopiesAsync(peer);

        // Each read reaches the shared fetch before its first await; the peer answers only once all of them are waiting.
        var reads = Enumerable.Range(0, 8).Select(_ => copies.FetchForReadAsync(Patient.Account, record, null, breakingGlass: false, CancellationToken.None)).ToList();
        Assert.DoesNotContain(reads, r => r.IsCompleted);
        peer.Answer();
        await Task.WhenAll(reads);

        Assert.Equal(1, peer.Requests);
        Assert.True(Content.HoldsVersion(record, 1));
        Assert.NotNull(demo.Node.Vault.GetKey(record, Patient.Account));
    }

    [Fact]
    public async Task ReadsRightAfterNoPeerHadTheVersion_AskNoPeerAgain()
    {
        var (record, copy) = await demo.AddAndForgetAsync(Allergy);
        var peer = new Peer(HttpStatusCode.NotFound, null);
        peer.Answer();
        var copies = await CopiesAsync(peer);

        await copies.FetchForReadAsync(Patient.Account, record, null, breakingGlass: false, CancellationToken.None);
        await copies.FetchForReadAsync(Patient.Account, record, null, breakingGlass: false, CancellationToken.None);

        Assert.Equal(1, peer.Requests);
        Assert.False(Content.HoldsVersion(record, 1));
        // Held again, for the tests after this one that read the demo patient's records.
        Assert.Null(Content.StoreVersionCopy(record, 1, Convert.FromBase64String(copy.Ciphertext), Convert.FromBase64String(copy.Keys)));
    }

    /// <summary>The demo node's copier, with <paramref name="peer"/> as the one other node beating its heart in the log.</summary>
    private async Task<VaultCopies> CopiesAsync(Peer peer)
    {
        var log = new MemoryBlockLog();
        using var other = SigningKey.Generate();
        await log.PutMemberAsync(new MemberHeartbeat(other.Account.ToString(), "http://peer.invalid", "follower", 0, null), await log.GrantLeaseAsync(60, default), default);
        return new VaultCopies(log, peer, demo.Node.Keys, demo.Node.Audience, Content, demo.Node.Ledger, demo.Node.Vault,
            new LogCatchUp(log, TimeSpan.FromSeconds(3), NullLogger<LogCatchUp>.Instance), TimeProvider.System, NullLogger<VaultCopies>.Instance);
    }

    /// <summary>A peer node that answers every request the same way, once <see cref="Answer"/> lets it, and counts them.</summary>
    private sealed class Peer(HttpStatusCode status, RecordContentUpload? copy) : HttpMessageHandler, IHttpClientFactory
    {
        private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public void Answer() => _answer.TrySetResult();

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref _requests);
            await _answer.Task.WaitAsync(ct);
            return new HttpResponseMessage(status) { Content = copy is null ? null : JsonContent.Create(copy) };
        }
    }
}
