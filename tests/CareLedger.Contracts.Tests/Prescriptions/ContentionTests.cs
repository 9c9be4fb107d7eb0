using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;

namespace CareLedger.Contracts.Tests.Prescriptions;

/// <summary>Many pharmacists racing to dispense the same fill in one block: the block's order decides, and exactly one dispenses.</summary>
public sealed class ContentionTests : IDisposable
{
    private const int Attempts = 1_000;
    private readonly TestConsortium _chain = Open();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void Dispense_AThousandAttemptsAtTheSameFillInOneBlock_ExactlyOneSucceeds()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));
        string[] pharmacists = ["pharmacist-chen", "pharmacist-ali"];
        var txs = Enumerable.Range(0, Attempts).Select(i => _chain.DispenseSign(pharmacists[i % 2], rx, fill: 1, quantity: 30)).ToList();
        var before = _chain.Balance(_chain.Account("patient-jones"));

        var block = _chain.Commit(txs);

        Assert.Equal(1, block.Results.Count(r => r.Valid));
        Assert.All(block.Results.Where(r => !r.Valid), r => Assert.Equal("fill 1 was already dispensed", r.Reason));
        Assert.Equal((1L, 30L), (_chain.Rx(rx).FillsLeft, _chain.Rx(rx).Dispensed));
        Assert.Equal(PrescriptionsActions.Price, _chain.Till());
        Assert.Equal(before, _chain.Balance(_chain.Account("patient-jones")));
    }

    [Fact]
    public void Dispense_TwoPharmaciesRacingForTheLastFill_OneSucceedsTheOtherIsDefinitelyRefused()
    {
        var rx = _chain.Prescribe(shape: i => i with { Fills = 1 });
        Verdict.Valid(_chain.Present(rx, Corner));
        var txs = new List<Transaction>
        {
            _chain.DispenseSign("pharmacist-diaz", rx, 1, 30),
            _chain.DispenseSign("pharmacist-chen", rx, 1, 30),
            _chain.DispenseSign("pharmacist-diaz", rx, 1, 30),
        };

        var block = _chain.Commit(txs);

        Assert.Equal([false, true, false], block.Results.Select(r => r.Valid));
        Assert.Contains("wrong pharmacy", block.Results[0].Reason, StringComparison.Ordinal);
        Assert.Contains("no fills left", block.Results[2].Reason, StringComparison.Ordinal);
    }
}
