using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// What must hold after any step: per asset, balances plus escrows equal the supply, which never
/// changes; nothing is negative; every booking and case holds in escrow exactly what its status
/// says, and a settled booking's refund, payment and fee add up to its price.
/// </summary>
public static class ServicesInvariants
{
    public static void AssertHold(TestConsortium chain, long supply, string context)
    {
        Assert.True(chain.Supply(Asset) == supply, $"supply changed to {chain.Supply(Asset)} from {supply}; {context}");
        Assert.True(chain.TotalHeld() == supply, $"balances and escrows hold {chain.TotalHeld()}, supply is {supply}; {context}");
        foreach (var (key, balance) in chain.View.Scan(Contracts.Tokens.Balance.Of(Asset)))
            Assert.True(balance.Amount > 0, $"{key} is not positive; {context}");
        foreach (var (key, escrow) in chain.View.Scan(Contracts.Tokens.Escrow.All))
            Assert.True(escrow.Amount > 0, $"{key} is not positive; {context}");
        foreach (var (_, booking) in chain.View.Scan(Booking.All))
        {
            var expected = BookingStatus.HoldsEscrow(booking.Status) ? booking.Price : 0;
            var held = chain.Escrow(ServicesContract.EscrowOf(booking));
            Assert.True(held == expected, $"booking {booking.Id} ({booking.Status}) holds {held}, expected {expected}; {context}");
            if (!BookingStatus.HoldsEscrow(booking.Status))
                Assert.True(booking.Refunded + booking.Paid + booking.Fee == booking.Price, $"booking {booking.Id} settled wrongly; {context}");
        }
        foreach (var (_, openCase) in chain.View.Scan(OpinionCase.All))
        {
            var outstanding = openCase.Status == CaseStatus.Open ? openCase.Fee * (openCase.Practitioners.Count - openCase.Opinions.Count) : 0;
            Assert.True(chain.Escrow(ServicesContract.EscrowOfCase(openCase.Id)) == outstanding, $"case {openCase.Id} escrow is off; {context}");
        }
        foreach (var (key, coverage) in chain.View.Scan(Coverage.All))
            Assert.True(coverage.Used >= 0, $"{key} has negative use; {context}");
    }
}
