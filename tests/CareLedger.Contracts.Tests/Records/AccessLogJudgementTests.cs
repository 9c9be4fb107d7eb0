using CareLedger.Contracts;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Tests.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Contracts.Tests.Records;

/// <summary>
/// The access log records what consent allowed, not what the logging node says: purpose and
/// break-glass come from the grant in force when the reader signed and the reason they signed.
/// </summary>
public sealed class AccessLogJudgementTests : IDisposable
{
    private readonly TestConsortium _chain;
    private readonly string _record;

    /// <summary>dr-rivera holds a treatment grant for MedicationRequest; dr-sato is licensed but holds none.</summary>
    public AccessLogJudgementTests()
    {
        _chain = Prescriptions.PrescriptionsWorld.Builder().WithMember("clinic-node", "city-clinic", Roles.Service).Build();
        foreach (var doctor in new[] { "dr-rivera", "dr-sato" })
            Verdict.Valid(_chain.Submit("board-admin", "licensing", "issue", LicenceIssue.For(_chain.Account(doctor), Prescriptions.PrescriptionsWorld.T0).ToArgs()));
        Verdict.Valid(_chain.Commit(_chain.GrantSign("patient-jones", "dr-rivera", Purposes.Treatment, types: ["MedicationRequest"])).Results[0]);
        _record = ServicesActions.AddRecord(_chain, "patient-jones", "patient-jones", "MedicationRequest");
    }

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void LogAccess_NodeSaysItServedAReaderWithoutConsent_IsLoggedAsServedWithoutConsentAndRaised()
    {
        var result = Log(Report("dr-sato", outcome: "granted", purpose: Purposes.Treatment, reason: "grant g1"));

        var logged = Logged();
        Assert.Equal(RecordsContract.ServedWithoutConsent, logged.Outcome);
        Assert.Equal("none", logged.Purpose);
        Assert.Contains(result.Events, e => e.Name == "AccessWithoutConsent");
    }

    [Fact]
    public void LogAccess_NodeClaimsABreakGlassTheReaderDidNotSign_IsLoggedAsTheGrantedReadItWas()
    {
        Log(Report("dr-rivera", outcome: "granted", purpose: Purposes.Emergency, reason: "break-glass: made up", breakGlass: true));

        var logged = Logged();
        Assert.False(logged.BreakGlass);
        Assert.Equal(Purposes.Treatment, logged.Purpose);
    }

    [Fact]
    public void LogAccess_NodeHidesABreakGlassTheReaderSigned_IsLoggedAsBreakGlassAndRaised()
    {
        var seal = SealedCode.Of("unconscious in ER", "0123456789abcdef0123456789abcdef");
        var result = Log(Report("dr-sato", outcome: "granted", purpose: "none", reason: "", query: $"?breakGlass={seal}"));

        var logged = Logged();
        Assert.True(logged.BreakGlass);
        Assert.Equal(Purposes.Emergency, logged.Purpose);
        Assert.Equal($"break-glass: {seal}", logged.Reason);
        Assert.Contains(result.Events, e => e.Name == "BreakGlassAccess");
    }

    [Fact]
    public void LogAccess_BreakGlassReasonSignedInClear_BreaksNoGlass_SoNoReasonTextIsLogged()
    {
        Log(Report("dr-sato", outcome: "granted", purpose: "none", reason: "", query: "?breakGlass=unconscious%20in%20ER"));

        var logged = Logged();
        Assert.False(logged.BreakGlass);
        Assert.DoesNotContain("unconscious", logged.Reason);
        Assert.Equal(RecordsContract.ServedWithoutConsent, logged.Outcome);
    }

    [Fact]
    public void LogAccess_ReadSignedBeforeTheGrantWasRevoked_IsJudgedByTheGrantThenInForce()
    {
        var report = Report("dr-rivera", outcome: "granted", purpose: Purposes.Treatment, reason: "grant");
        _chain.Advance(1_000);
        var grant = _chain.Query<GrantList>("records", "grants", new CborMap { ["patient"] = _chain.Account("patient-jones").ToString() }).Grants.Single();
        Verdict.Valid(_chain.Submit("patient-jones", "records", "revoke", new CborMap { ["grant"] = grant.Id }));

        Log(report);

        Assert.Equal("granted", Logged().Outcome);
        Assert.Equal(Purposes.Treatment, Logged().Purpose);
    }

    [Theory]
    [InlineData("another node")]
    [InlineData("another chain")]
    public void LogAccess_ReadSignedForAnotherNodeOrChain_IsRejected(string signedFor)
    {
        var logging = LoggingNode;
        var audience = signedFor == "another node" ? logging with { Node = _chain.Account("dr-rivera") } : logging with { ChainId = "another-chain" };

        var result = _chain.Submit("clinic-node", "records", "log-access",
            new CborMap { ["entries"] = new List<object> { Report("dr-rivera", "granted", Purposes.Treatment, "grant", audience: audience) } });

        Verdict.Valid(result);
        var rejected = Assert.Single(result.Events, e => e.Name == "AccessEntryRejected");
        Assert.Equal("the reader's request signature does not verify", rejected.Attributes.GetText("reason"));
    }

    /// <summary>Whom the reads in these tests are signed for: the chain and the node that logs them.</summary>
    private RequestAudience LoggingNode => new(_chain.Genesis.ChainId, _chain.Account("clinic-node"));

    private CborMap Report(string reader, string outcome, string purpose, string reason, bool breakGlass = false, string query = "", RequestAudience? audience = null)
    {
        var key = _chain.Key(reader);
        var path = $"/v1/records/{_record}{query}";
        RequestSignature.TryParse(RequestSignature.Sign(key, audience ?? LoggingNode, "GET", path, _chain.Time, []), out var publicKey, out var time, out var signature);
        return new ReadReport(_record, key.Account.ToString(), purpose, outcome, reason, breakGlass, new ReadRequest(publicKey, "GET", path, time, signature)).ToCbor();
    }

    private TxResult Log(CborMap entry)
    {
        var result = _chain.Submit("clinic-node", "records", "log-access", new CborMap { ["entries"] = new List<object> { entry } });
        Verdict.Valid(result);
        Assert.DoesNotContain(result.Events, e => e.Name == "AccessEntryRejected");
        return result;
    }

    private LoggedAccess Logged() =>
        _chain.Query<AccessLog>("records", "access-log", new CborMap { ["patient"] = _chain.Account("patient-jones").ToString() }).Entries.Last();
}
