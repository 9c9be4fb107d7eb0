using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>Many transactions racing for one slot or one balance: the block's order decides, and only what is possible happens.</summary>
public sealed class ContentionTests
{
    private const int Attempts = 1_000;

    private static TestConsortium WithPatients(int count)
    {
        var chain = new ServicesWorld().WithPatients(count).Build();
        Verdict.Valid(chain.Issue("board-admin", LicenceIssue.For(chain.Account("dr-rivera"), T0)));
        AssertAllValid(chain.Commit(Enumerable.Range(0, count).Select(i => chain.Sign("insurer-admin", "tokens", "mint", new CborMap
        {
            ["asset"] = Asset, ["to"] = chain.Account(PatientName(i)).ToString(), ["amount"] = 1_000L,
        })).ToList()));
        Verdict.Valid(chain.PublishProfile("dr-rivera"));
        return chain;
    }

    [Fact]
    public void OneSlot_AThousandPatientsInOneBlock_ExactlyOneBooksIt()
    {
        using var chain = WithPatients(Attempts);
        Verdict.Valid(chain.AddSlots("dr-rivera", [Slot(0)]));
        var total = chain.TotalHeld();

        var block = chain.Commit(Enumerable.Range(0, Attempts).Select(i => chain.BookSign(PatientName(i), $"b{i}", "dr-rivera", Slot(0))).ToList());

        var winner = Assert.Single(block.Results.Select((r, i) => (r, i)), x => x.r.Valid);
        Assert.Equal(0, winner.i);
        Assert.All(block.Results.Skip(1), r => Assert.Contains("slot taken", r.Reason, StringComparison.Ordinal));
        Assert.Equal(Price, chain.Escrow("booking/b0"));
        Assert.Equal(900, chain.BalanceOf(PatientName(0)));
        Assert.All(Enumerable.Range(1, Attempts - 1), i => Assert.Equal(1_000, chain.BalanceOf(PatientName(i))));
        Assert.Single(chain.Snapshot(Booking.KeyPrefix));
        Assert.Equal(total, chain.TotalHeld());
        ServicesInvariants.AssertHold(chain, total, "after the race for one slot");
    }

    [Fact]
    public void OneSlot_AThousandAttemptsAcrossTenBlocks_ExactlyOneBooksIt()
    {
        using var chain = WithPatients(Attempts);
        Verdict.Valid(chain.AddSlots("dr-rivera", [Slot(0)]));

        var valid = 0;
        for (var block = 0; block < 10; block++)
        {
            var txs = Enumerable.Range(block * 100, 100).Select(i => chain.BookSign(PatientName(i), $"b{i}", "dr-rivera", Slot(0))).ToList();
            valid += chain.Commit(txs).Results.Count(r => r.Valid);
            chain.Advance(1_000);
        }

        Assert.Equal(1, valid);
        Assert.Single(chain.Snapshot(Booking.KeyPrefix));
    }

    [Fact]
    public void OneBalance_AThousandBookingsAndTransfersInOneBlock_ExactlyTheAffordableOnesSucceed()
    {
        using var chain = WithPatients(2);
        for (var call = 0; call < 10; call++)
            Verdict.Valid(chain.AddSlots("dr-rivera", Enumerable.Range(call * 100, 100).Select(i => Slot(0) + i * 5 * 60_000L), minutes: 5));
        Verdict.Valid(chain.Transfer(PatientName(1), chain.Account(PatientName(0)), 50));
        var spender = PatientName(0);
        var total = chain.TotalHeld();
        var recipient = chain.Account(PatientName(1)).ToString();

        var txs = new List<Transaction>();
        for (var i = 0; i < Attempts; i++)
            txs.Add(i % 2 == 0
                ? chain.BookSign(spender, $"b{i}", "dr-rivera", Slot(0) + i * 5 * 60_000L)
                : chain.Sign(spender, "tokens", "transfer", new CborMap { ["asset"] = Asset, ["to"] = recipient, ["amount"] = Price }));
        var block = chain.Commit(txs);

        Assert.Equal(Enumerable.Range(0, 10), block.Results.Select((r, i) => (r, i)).Where(x => x.r.Valid).Select(x => x.i));
        Assert.All(block.Results.Skip(10), r => Assert.Contains("insufficient funds: balance 50 CARE", r.Reason, StringComparison.Ordinal));
        Assert.Equal(50, chain.BalanceOf(spender));
        Assert.Equal(5, chain.Snapshot(Contracts.Tokens.Escrow.KeyPrefix).Count);
        Assert.Equal(total, chain.TotalHeld());
        ServicesInvariants.AssertHold(chain, total, "after the race for one balance");
    }
}
