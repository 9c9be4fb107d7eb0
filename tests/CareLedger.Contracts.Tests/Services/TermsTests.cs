using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

public sealed class TermsTests
{
    [Fact]
    public void Genesis_WithTerms_RecordsThem()
    {
        using var chain = new ServicesWorld().Build();

        var terms = chain.Query<ServicesTerms>("services", "terms", []);

        Assert.Equal(FeeBps, terms.PlatformFeeBps);
        Assert.Equal("platform", terms.Operator);
        Assert.Equal("care-ombudsman", terms.Arbitrator);
        Assert.Equal(48L, terms.AcknowledgementHours);
    }

    [Fact]
    public void Genesis_WithoutTerms_WritesNothingAndUsesTheDefaults()
    {
        using var chain = new ServicesWorld().WithTerms(null).Open();

        Assert.Null(chain.Get(ServicesTerms.Key));
        Assert.Equal(ServicesTerms.Default, chain.Query<ServicesTerms>("services", "terms", []));
        Verdict.Valid(chain.Book("patient-jones", "b1", Slot(0)));
        chain.RunToCompletion("b1");
        Verdict.Valid(chain.OnBooking("patient-jones", "acknowledge", "b1"));
        Assert.Equal(Price, chain.BalanceOf("dr-rivera"));
    }

    [Fact]
    public void Genesis_PartialTerms_FillTheRestWithDefaults()
    {
        using var chain = new ServicesWorld().WithTerms(new CborMap { ["platformFeeBps"] = 250L, ["operator"] = "platform" }).Build();

        var terms = ServicesTerms.Read(chain.View);

        Assert.Equal(ServicesTerms.Default with { PlatformFeeBps = 250, Operator = "platform" }, terms);
        Assert.Equal(2, terms.FeeOn(100));
        Assert.Equal(0, terms.FeeOn(39));
    }

    [Theory]
    [InlineData("platformFeeBps", 10_001L, "platformFeeBps must be between 0 and 10000")]
    [InlineData("platformFeeBps", -1L, "platformFeeBps must be between 0 and 10000")]
    [InlineData("lateRefundPercent", 101L, "lateRefundPercent must be between 0 and 100")]
    [InlineData("acknowledgementHours", 0L, "acknowledgementHours must be between 1 and 8760")]
    [InlineData("noShowGraceMinutes", -5L, "noShowGraceMinutes must be between 0 and 1440")]
    [InlineData("operator", "nobody", "unknown organisation 'nobody'")]
    [InlineData("arbitrator", "nobody", "unknown organisation 'nobody'")]
    public void Genesis_BadTerms_StopTheChainFromStarting(string key, object value, string problem)
    {
        var terms = StandardTerms();
        terms[key] = value;

        var error = Assert.Throws<CborMapException>(() => new ServicesWorld().WithTerms(terms).Build());

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1_000, 1_000L, 100L)]
    [InlineData(1_000, 9_999L, 999L)]
    [InlineData(333, 10_001L, 333L)]
    [InlineData(10_000, long.MaxValue, long.MaxValue)]
    [InlineData(1_000, long.MaxValue, long.MaxValue / 10)]
    public void FeeOn_IsTheExactFloorEvenForTheLargestAmounts(long bps, long amount, long fee)
    {
        var terms = ServicesTerms.Default with { PlatformFeeBps = bps, Operator = "platform" };

        Assert.Equal(fee, terms.FeeOn(amount));
        Assert.Equal((long)(System.Numerics.BigInteger.Multiply(amount, bps) / 10_000), terms.FeeOn(amount));
    }

    [Fact]
    public void Release_OfTheLargestPossiblePrice_AtBlockStart_PaysWithoutOverflow()
    {
        using var chain = new ServicesWorld().Build();
        Verdict.Valid(chain.Issue("board-admin", LicenceIssue.For(chain.Account("dr-rivera"), T0)));
        Verdict.Valid(chain.Mint("insurer-admin", chain.Account("patient-jones"), long.MaxValue, Asset));
        AssertAllValid(chain.Commit(chain.GrantSign("patient-jones", "dr-rivera", "treatment", types: ["Encounter"])));
        Verdict.Valid(chain.PublishProfile("dr-rivera", price: long.MaxValue));
        Verdict.Valid(chain.AddSlots("dr-rivera", [Slot(0)]));
        Verdict.Valid(chain.Book("patient-jones", "b1", Slot(0)));
        chain.RunToCompletion("b1");

        chain.Advance(48 * TestConsortium.Hour);
        chain.Tick();

        Assert.Equal(BookingStatus.Released, chain.Status("b1"));
        Assert.Equal(long.MaxValue / 10, chain.Treasury("platform"));
        Assert.Equal(long.MaxValue - long.MaxValue / 10, chain.BalanceOf("dr-rivera"));
    }
}
