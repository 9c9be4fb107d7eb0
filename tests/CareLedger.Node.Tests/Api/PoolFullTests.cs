using System.Net;
using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// A node with a single pool slot whose blocks wait 1.5 s for company: the first admitted
/// transaction holds the slot until its block is durable, so everything submitted alongside it
/// must be told the pool is full.
/// </summary>
public sealed class SlowPoolNode : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private InProcessNode? _node;

    public InProcessNode Node => _node!;
    public DemoKeys Keys { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Seed the demo with default settings first, so no seed transaction competes for the slot.
        // (A later --data wins over InProcessNode's own folder.)
        await using (var seeding = await InProcessNode.StartAsync("--data", _data.Path))
            await seeding.Client.WaitUntilIdleAsync();
        _node = await InProcessNode.StartAsync("--data", _data.Path, "--CareLedger:PoolCapacity=1", "--CareLedger:BlockLingerMs=1500",
            "--CareLedger:BlockCutEarly=false"); // every block waits out the 1.5 s, not only the first
        Keys = new DemoKeys(_data.Path);
    }

    public async Task DisposeAsync()
    {
        Keys.Dispose();
        if (_node is not null) await _node.DisposeAsync();
        _data.Dispose();
    }
}

public sealed class PoolFullTests(SlowPoolNode slow) : IClassFixture<SlowPoolNode>
{
    private static readonly string[] Senders =
        ["board-admin", "clinic-admin", "pharmacy-admin", "lab-admin", "insurer-admin", "health-admin", "dr-rivera", "pharmacist-chen"];

    [Fact]
    public async Task Submit_WhilePoolIsFull_Is429ProblemWithRetryAfterAndNothingHangs()
    {
        var responses = await SubmitAllAtOnceAsync(await SignedTransfersAsync(noncesEach: 1));

        var statuses = string.Join(", ", responses.Select(r => (int)r.StatusCode));
        var full = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var committed = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.True(full.Count > 0, $"no submission was refused as pool-full: {statuses}");
        Assert.True(committed.Count > 0, $"no submission was committed: {statuses}");
        Assert.True(full.Count + committed.Count == responses.Length, $"unexpected statuses: {statuses}");
        foreach (var refusal in full)
        {
            var problem = await ProblemAssert.IsProblemAsync(refusal, HttpStatusCode.TooManyRequests);
            Assert.Contains("pool is full", ProblemAssert.Detail(problem));
            Assert.Equal("1", refusal.Headers.GetValues("Retry-After").Single());
        }
        foreach (var ok in committed)
            Assert.Equal("committed", (await ok.Content.ReadFromJsonAsync<SubmitResponse>())!.Status);
        Assert.Matches(@"(?m)^careledger_tx_pool_full_total [1-9]\d*$", await slow.Node.Client.Http.GetStringAsync("metrics"));
    }

    [Fact]
    public async Task Submit_ConcurrentlyWithCapacityOne_AdmitsExactlyOneUntilItsBlock()
    {
        var responses = await SubmitAllAtOnceAsync(await SignedTransfersAsync(noncesEach: 2));

        var statuses = string.Join(", ", responses.Select(r => (int)r.StatusCode));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 1,
            $"a pool of capacity 1 admitted more than one transaction at a time: {statuses}");
    }

    private async Task<List<string>> SignedTransfersAsync(int noncesEach)
    {
        await slow.Node.Client.WaitUntilIdleAsync(TimeSpan.FromMilliseconds(100));
        var patient = slow.Keys["patient-jones"].Account;
        var bodies = new List<string>();
        foreach (var sender in Senders)
        {
            var last = (await slow.Node.Client.GetAccountAsync(slow.Keys[sender].Account)).LastNonce;
            for (var n = 1; n <= noncesEach; n++)
                bodies.Add(Convert.ToBase64String(new TxDraft(slow.Keys[sender], "careledger-demo", last + (ulong)n).Transfer(patient, 1).Sign().Encode()));
        }
        return bodies;
    }

    /// <summary>Releases every submission at the same moment and waits (bounded) for all the answers.</summary>
    private async Task<HttpResponseMessage[]> SubmitAllAtOnceAsync(List<string> bodies)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var submissions = bodies.Select(body => Task.Run(async () =>
        {
            await gate.Task;
            return await slow.Node.Client.Http.PostAsJsonAsync("v1/transactions?wait=true", new { transaction = body });
        })).ToList();
        gate.SetResult();
        return await Task.WhenAll(submissions).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
