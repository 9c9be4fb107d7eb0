using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Determinism;

/// <summary>
/// Every node replays every block: the same blocks through fresh runtimes must give byte-identical
/// results, state commitments and state, whatever mix of valid and refused transactions they hold.
/// </summary>
public sealed class ReplayDeterminismTests
{
    private static readonly string[] Senders =
        ["board-admin", "clinic-admin", "dr-rivera", "patient-jones", "pharmacy-admin", "pharmacist-chen", "insurer-admin", "stranger"];
    private static readonly string[] RolesToTry = [Roles.Patient, Roles.Practitioner, Roles.Pharmacist, Roles.Admin, "bogus"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomBlocks_ReplayedInTwoFreshRuntimes_GiveIdenticalResultsCommitmentsAndState(int seed)
    {
        using var origin = ConsortiumBuilder.Standard().Build();
        var blocks = RandomChain(origin, new Random(seed), blockCount: 60);

        var first = Replay(origin.Genesis, blocks);
        var second = Replay(origin.Genesis, blocks);

        for (var i = 0; i < blocks.Count; i++)
        {
            Assert.Equal(blocks[i].Executed.Header, first.Headers[i]);
            Assert.Equal(first.Headers[i], second.Headers[i]);
            Assert.Equal(Encode(blocks[i].Executed.Results), Encode(first.Results[i]));
            Assert.Equal(Encode(first.Results[i]), Encode(second.Results[i]));
        }
        Assert.Equal(Dump(origin.State), Dump(first.State));
        Assert.Equal(Dump(first.State), Dump(second.State));
        var results = blocks.SelectMany(b => b.Executed.Results).ToList();
        Assert.InRange(results.Count(r => r.Valid), results.Count / 5, results.Count * 9 / 10);
    }

    private sealed record RecordedBlock(IReadOnlyList<Transaction> Transactions, long Time, ExecutedBlock Executed);

    private sealed record Replica(List<BlockHeader> Headers, List<IReadOnlyList<TxResult>> Results, MemoryState State);

    private static List<RecordedBlock> RandomChain(TestConsortium chain, Random random, int blockCount)
    {
        chain.Outsider("stranger");
        var accounts = Senders.Select(chain.Account).ToList();
        var signed = new List<Transaction>();
        var blocks = new List<RecordedBlock>();
        for (var b = 0; b < blockCount; b++)
        {
            chain.Advance(random.Next(0, 3) * Hour);
            var txs = new List<Transaction>();
            for (var n = random.Next(1, 7); n > 0; n--)
            {
                // Now and then an old transaction comes round again: a replay, refused the same way everywhere.
                var tx = signed.Count > 0 && random.Next(10) == 0 ? signed[random.Next(signed.Count)] : RandomTransaction(chain, random, accounts);
                txs.Add(tx);
                signed.Add(tx);
            }
            blocks.Add(new RecordedBlock(txs, chain.Time, chain.Commit(txs)));
        }
        return blocks;
    }

    private static Transaction RandomTransaction(TestConsortium chain, Random random, List<AccountId> accounts)
    {
        // Mostly the caller the action expects, so that about half the transactions take effect.
        string From(string usual) => random.Next(3) == 0 ? Senders[random.Next(Senders.Length)] : usual;
        string Any() => accounts[random.Next(accounts.Count)].ToString();
        return random.Next(7) switch
        {
            0 => chain.Sign(From(random.Next(2) == 0 ? "clinic-admin" : "pharmacy-admin"), "membership", "register", new CborMap
            {
                ["account"] = random.Next(4) == 0 ? Any() : Fresh(accounts), ["role"] = RolesToTry[random.Next(RolesToTry.Length)],
            }),
            1 => chain.Sign(From("clinic-admin"), "membership", "remove", new CborMap { ["account"] = Any() }),
            2 => chain.Sign(From("board-admin"), "licensing", "issue", new LicenceIssue(AccountId.Parse(Any()),
                chain.Time - random.Next(0, 48) * Hour, chain.Time + random.Next(-24, 2000) * Hour).ToArgs()),
            3 => chain.Sign(From("board-admin"), "licensing", "revoke", new CborMap { ["practitioner"] = Any(), ["reason"] = "audit" }),
            4 => chain.Sign(From("insurer-admin"), "tokens", "mint", new CborMap { ["asset"] = "CARE", ["to"] = Any(), ["amount"] = (long)random.Next(-5, 500) }),
            5 => chain.Sign(From("pharmacy-admin"), "tokens", "create-asset", new CborMap { ["asset"] = "A" + random.Next(5), ["name"] = "asset" }),
            _ => chain.Sign(From("patient-jones"), "tokens", "transfer", new CborMap { ["asset"] = "CARE", ["to"] = Any(), ["amount"] = (long)random.Next(-5, 300) }),
        };
    }

    private static string Fresh(List<AccountId> accounts)
    {
        using var key = SigningKey.Generate();
        accounts.Add(key.Account);
        return key.Account.ToString();
    }

    private static Replica Replay(GenesisDocument genesis, IReadOnlyList<RecordedBlock> blocks)
    {
        var executor = new BlockExecutor(ConsortiumContracts.CreateRuntime(genesis.ChainId));
        var state = new MemoryState();
        var block0 = executor.ExecuteGenesis(genesis);
        state.Apply(block0.Writes);
        var head = block0.Header;
        var replica = new Replica([], [], state);
        foreach (var block in blocks)
        {
            var executed = executor.Execute(state, head, block.Transactions, block.Time, default);
            state.Apply(executed.Writes);
            head = executed.Header;
            replica.Headers.Add(executed.Header);
            replica.Results.Add(executed.Results);
        }
        return replica;
    }

    private static List<string> Encode(IEnumerable<TxResult> results) => results.Select(r => Convert.ToHexString(r.Encode())).ToList();

    private static List<string> Dump(IStateReader state) => state.Scan("").Select(e => e.Key + "=" + Convert.ToHexString(e.Value)).ToList();
}
