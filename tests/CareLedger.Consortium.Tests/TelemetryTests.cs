using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Ledger.Wire;
using CareLedger.Testing;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// OpenTelemetry over OTLP from real node processes to a collector the test runs: one transaction's trace from its
/// submission at a follower, through the forward, to the leader's block execution, ordering and storage; the nodes'
/// metrics; and nothing in any of it that names the person who sent it. The shared consortium's nodes export to the
/// collector from their start (<see cref="SharedConsortium"/>), so the last check covers every other shared test's traffic too.
/// </summary>
public sealed class TelemetryTests(SharedConsortium shared, ITestOutputHelper output) : SharedConsortiumTest(shared, output)
{
    [Fact]
    public async Task Transaction_SubmittedAtAFollowerWithATraceparent_IsOneTraceFromSubmitThroughForwardToTheLeadersCommit()
    {
        var leader = await Cluster.WaitForLeaderAsync(Patience);
        var follower = (leader + 1) % Cluster.Size;
        var patient = Cluster.Key("patient-jones");
        var doctor = Cluster.Key("dr-rivera");
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var callerSpan = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var tx = ConsortiumCluster.Sign(patient, await Cluster.LastNonceAsync(patient.Account, default) + 1, "tokens", "transfer", ConsortiumCluster.Transfer(doctor.Account, 1));

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/transactions?wait=true&timeoutSeconds=10")
        {
            Content = JsonContent.Create(new SubmitRequest(Convert.ToBase64String(tx.Encode()))),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        using var response = await Cluster.Http(follower).SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode && body.Contains("\"committed\"", StringComparison.Ordinal), body);

        string Node(int i) => Cluster.Nodes[i].BaseAddress.ToString().TrimEnd('/');
        List<CollectedSpan> Trace() => [.. Collector.Spans.Where(s => s.TraceId == traceId)];
        bool Has(int node, string name) => Trace().Any(s => s.Node == Node(node) && s.Name == name);
        await Cluster.WaitUntilAsync(() => Task.FromResult(
                new[] { "tx.admit", "tx.forward", "block.execute", "block.store" }.All(n => Has(follower, n))
                && new[] { "tx.admit", "tx.queued", "block.execute", "block.order", "block.store" }.All(n => Has(leader, n))),
            Patience, "the follower's and the leader's spans of the transaction at the collector");

        var trace = Trace();
        foreach (var span in trace.OrderBy(s => s.Node).ThenBy(s => s.Name)) Log($"{span.Node} {span.Name} {span.SpanId} <- {span.ParentSpanId}");
        var byId = trace.ToDictionary(s => s.SpanId);
        // The follower's request span is the caller's child; every other span of the trace descends from it, across the nodes.
        var root = Assert.Single(trace, s => s.ParentSpanId == callerSpan);
        Assert.Equal(Node(follower), root.Node);
        Assert.Equal("POST /v1/transactions", root.Name);
        Assert.Contains(trace, s => s.Node == Node(leader) && s.Name == "POST /v1/consortium/forward");
        foreach (var span in trace.Where(s => s != root))
        {
            var ancestor = span;
            for (var hops = 0; ancestor.ParentSpanId != callerSpan && hops < 20; hops++)
            {
                Assert.True(byId.TryGetValue(ancestor.ParentSpanId, out var parent), $"{span.Node} {span.Name}: parent {ancestor.ParentSpanId} is not in the trace");
                ancestor = parent;
            }
            Assert.Same(root, ancestor);
        }
        var leaderAdmit = trace.Single(s => s.Node == Node(leader) && s.Name == "tx.admit");
        Assert.Equal(tx.Id.ToString(), leaderAdmit.Attributes["careledger.tx"]);
        var committedAt = trace.Single(s => s.Node == Node(leader) && s.Name == "block.store").Attributes["careledger.height"];
        Assert.Equal(committedAt, trace.Single(s => s.Node == Node(follower) && s.Name == "block.store").Attributes["careledger.height"]);

        // Metrics from every node, under OpenTelemetry's names for the /metrics counters.
        await Cluster.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, Cluster.Size).All(i =>
                Collector.Metrics.Any(m => m.Node == Node(i) && m.Metric == "careledger.chain.height")
                && Collector.Metrics.Any(m => m.Node == Node(i) && m.Metric == "careledger.tx.committed.valid"))),
            Patience, "every node's metrics at the collector");

        // Transaction ids and heights, never the sender: no exported byte names the patient's account.
        var account = Encoding.ASCII.GetBytes(patient.Account.ToString());
        Assert.DoesNotContain(Collector.Bodies, b => b.AsSpan().IndexOf(account) >= 0);
    }
}
