using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Encoding;
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
        foreach (var (key, value) in chain.Snapshot(TokensContract.BalancePrefix).Concat(chain.Snapshot(TokenEscrow.EscrowPrefix)))
            Assert.True(CborMap.Decode(Convert.FromHexString(value)).GetInt("amount") > 0, $"{key} is not positive; {context}");
        foreach (var (_, value) in chain.Snapshot(ServicesContract.BookingPrefix))
        {
            var booking = CborMap.Decode(Convert.FromHexString(value));
            var expected = BookingStatus.HoldsEscrow(booking.GetText("status")) ? booking.GetInt("price") : 0;
            var held = chain.Escrow(ServicesContract.EscrowOf(booking));
            Assert.True(held == expected, $"booking {booking.GetText("id")} ({booking.GetText("status")}) holds {held}, expected {expected}; {context}");
            if (!BookingStatus.HoldsEscrow(booking.GetText("status")))
                Assert.True(booking.GetInt("refunded") + booking.GetInt("paid") + booking.GetInt("fee") == booking.GetInt("price"), $"booking {booking.GetText("id")} settled wrongly; {context}");
        }
        foreach (var (_, value) in chain.Snapshot(ServicesContract.CasePrefix))
        {
            var openCase = CborMap.Decode(Convert.FromHexString(value));
            var outstanding = openCase.GetText("status") == "open"
                ? openCase.GetInt("fee") * (openCase.GetList("practitioners").Count - openCase.GetMap("opinions").Count) : 0;
            Assert.True(chain.Escrow(ServicesContract.EscrowOfCase(openCase.GetText("id"))) == outstanding, $"case {openCase.GetText("id")} escrow is off; {context}");
        }
        foreach (var (key, value) in chain.Snapshot(ServicesContract.CoveragePrefix))
            Assert.True(CborMap.Decode(Convert.FromHexString(value)).GetInt("used") >= 0, $"{key} has negative use; {context}");
    }
}
