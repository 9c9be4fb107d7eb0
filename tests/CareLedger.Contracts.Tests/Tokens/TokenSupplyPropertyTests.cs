using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Contracts.Tests.Tokens;

/// <summary>
/// Random mints, transfers and overdraft attempts among a handful of accounts, checked after every
/// step against a plain model: the contract must agree with the model on every verdict, the sum of
/// balances must equal the supply, no balance may go negative, and a refused step changes nothing.
/// </summary>
public sealed class TokenSupplyPropertyTests
{
    private const int Sequences = 200;
    private const int StepsPerSequence = 200;

    private static readonly string[] Admins = ["insurer-admin", "clinic-admin"];
    private static readonly string[] Holders = ["insurer-admin", "clinic-admin", "dr-rivera", "patient-jones", "patient-lee", "pharmacist-chen"];

    [Fact]
    public void RandomMintsAndTransfers_ForManySeeds_ConserveSupplyAndNeverOverdraw()
    {
        for (var seed = 1; seed <= Sequences; seed++) RunSequence(seed);
    }

    private static void RunSequence(int seed)
    {
        var random = new Random(seed);
        using var chain = ConsortiumBuilder.Standard().WithMember("patient-lee", "city-clinic", Roles.Patient).Build();
        var stranger = chain.Outsider("stranger");
        var model = Holders.ToDictionary(h => chain.Account(h), _ => 0L);
        long supply = 0;

        for (var step = 0; step < StepsPerSequence; step++)
        {
            var op = NextOperation(random, chain, stranger, model);
            var before = chain.Snapshot("tokens/");

            var result = op.Kind == "mint" ? chain.Mint(op.Sender, op.To, op.Amount) : chain.Transfer(op.Sender, op.To, op.Amount);

            var context = $"seed {seed}, step {step}: {op} -> {(result.Valid ? "valid" : result.Reason)}";
            var expected = Expected(op, chain, model);
            Assert.True(expected == result.Valid, $"the model expected {(expected ? "success" : "refusal")}; {context}");
            if (result.Valid)
            {
                if (op.Kind == "mint") supply += op.Amount;
                else model[chain.Account(op.Sender)] -= op.Amount;
                model[op.To] += op.Amount;
            }
            else
            {
                Assert.True(before.SequenceEqual(chain.Snapshot("tokens/")), $"a refused step changed token state; {context}");
            }
            AssertInvariants(chain, model, supply, context);
        }
    }

    private static Operation NextOperation(Random random, TestConsortium chain, AccountId stranger, Dictionary<AccountId, long> model)
    {
        AccountId Recipient() => random.Next(12) == 0 ? stranger : chain.Account(Holders[random.Next(Holders.Length)]);
        var sender = Holders[random.Next(Holders.Length)];
        var balance = model[chain.Account(sender)];
        return random.Next(4) switch
        {
            0 => new("mint", Admins[random.Next(Admins.Length)], Recipient(), random.Next(-3, 150)),
            1 => new("transfer", sender, Recipient(), balance + random.Next(1, 50)),
            _ => new("transfer", sender, Recipient(), random.Next(-2, (int)Math.Min(balance + 10, int.MaxValue - 1) + 1)),
        };
    }

    private static bool Expected(Operation op, TestConsortium chain, Dictionary<AccountId, long> model)
    {
        var recipientIsMember = model.ContainsKey(op.To);
        if (op.Amount <= 0 || !recipientIsMember) return false;
        return op.Kind == "mint"
            ? op.Sender == "insurer-admin"
            : op.To != chain.Account(op.Sender) && model[chain.Account(op.Sender)] >= op.Amount;
    }

    private static void AssertInvariants(TestConsortium chain, Dictionary<AccountId, long> model, long supply, string context)
    {
        var stored = chain.Snapshot(TokensContract.BalancePrefix + "CARE/")
            .Select(e => TokensContract.Balance(chain.View, "CARE", AccountId.Parse(e.Key[^64..])))
            .ToList();
        Assert.True(stored.All(amount => amount > 0), $"a stored balance is zero or negative; {context}");
        Assert.True(stored.Sum() == chain.Supply(), $"balances sum to {stored.Sum()}, supply is {chain.Supply()}; {context}");
        Assert.True(supply == chain.Supply(), $"supply is {chain.Supply()}, the model says {supply}; {context}");
        foreach (var (account, amount) in model)
            Assert.True(amount == chain.Balance(account), $"{account} holds {chain.Balance(account)}, the model says {amount}; {context}");
    }

    private sealed record Operation(string Kind, string Sender, AccountId To, long Amount)
    {
        public override string ToString() => $"{Sender} {Kind} {Amount} to {To.ToString()[..8]}";
    }
}
