using System.Net;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Testing;

namespace CareLedger.Records.Tests;

/// <summary>One account cannot crowd out the others: its reads are limited, everyone else's still served.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Reads_BeyondTheAccountsLimit_Are429ProblemsWhileAnotherAccountIsStillServed()
    {
        await using var node = await InProcessNode.StartAsync("--CareLedger:ReadsPerSecondPerAccount=2");
        var keys = new KeyStore(Path.Combine(node.DataDir, "demo-keys"));
        using var patient = keys.Load("patient-jones", "demo");
        using var doctor = keys.Load("dr-rivera", "demo");
        var records = new RecordsClient(node.Client);

        var refused = 0;
        for (var i = 0; i < 40 && refused == 0; i++)
        {
            try { await records.ListAsync(patient); }
            catch (NodeApiException e) when (e.Status == HttpStatusCode.TooManyRequests) { refused++; }
        }
        var other = await Record(() => records.ListAsync(doctor, patient.Account));

        Assert.Equal(1, refused);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other);
    }

    /// <summary>The status a call ends with: OK, or the refusal's.</summary>
    private static async Task<HttpStatusCode> Record(Func<Task> call)
    {
        try { await call(); return HttpStatusCode.OK; }
        catch (NodeApiException e) { return e.Status; }
    }
}
