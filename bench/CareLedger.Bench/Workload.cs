using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Demo;

namespace CareLedger.Bench;

/// <summary>
/// Transactions signed before the clock starts (signing is the client's cost, not the node's).
/// Client c owns every patient whose index is c modulo the client count plus registrar c, and
/// sends each account's transactions in nonce order. One in ten is a licence, the rest transfers (all transfers with
/// <c>transfersOnly</c>, the workload the peers scenario compares).
/// </summary>
public static class Workload
{
    public const int LicenceEvery = 10;
    private static readonly string[] Specialties = ["cardiology", "dermatology", "general-practice", "paediatrics", "psychiatry"];

    /// <summary>One array per client, in the order that client must send them.</summary>
    public static Transaction[][] Sign(IStateReader committed, string chainId, DateTimeOffset now, Population population, int clients, int perClient,
        bool transfersOnly = false) =>
        Sign(new NonceBook(committed), chainId, now, population, clients, perClient, transfersOnly);

    /// <summary>The same, with nonces counted on from <paramref name="nonces"/> (a node in another process, or an earlier workload).</summary>
    public static Transaction[][] Sign(NonceBook nonces, string chainId, DateTimeOffset now, Population population, int clients, int perClient,
        bool transfersOnly = false)
    {
        var plan = new ClientPlan(chainId, now.AddHours(1).ToUnixTimeMilliseconds(),
            now.AddDays(-1).ToUnixTimeMilliseconds(), now.AddYears(1).ToUnixTimeMilliseconds(), population, nonces, transfersOnly);
        var txs = new Transaction[clients][];
        Parallel.For(0, clients, c => txs[c] = plan.Sign(c, clients, perClient));
        return txs;
    }

    private sealed record ClientPlan(string ChainId, long Expiry, long ValidFrom, long ValidUntil, Population Population, NonceBook Nonces, bool TransfersOnly)
    {
        public Transaction[] Sign(int client, int clients, int count)
        {
            var senders = Population.Patients.Where((_, i) => i % clients == client).ToArray();
            var registrar = Population.Registrars[client];
            var random = new Random(client);
            var txs = new Transaction[count];
            var transfers = 0;
            for (var i = 0; i < count; i++)
            {
                txs[i] = !TransfersOnly && i % LicenceEvery == LicenceEvery - 1
                    ? Licence(registrar, random)
                    : Transfer(senders[transfers++ % senders.Length], random);
            }
            return txs;
        }

        private Transaction Transfer(SigningKey from, Random random)
        {
            var patients = Population.Patients;
            SigningKey to;
            do to = patients[random.Next(patients.Count)]; while (to == from);
            return Create(from, "tokens", "transfer", new CborMap
            {
                ["asset"] = DemoConsortium.Asset, ["to"] = to.Account.ToString(), ["amount"] = 1L + random.Next(10),
            });
        }

        private Transaction Licence(SigningKey registrar, Random random) =>
            Create(registrar, "licensing", "issue", new CborMap
            {
                ["practitioner"] = Population.Practitioners[random.Next(Population.Practitioners.Count)].Account.ToString(),
                ["specialty"] = Specialties[random.Next(Specialties.Length)],
                ["jurisdiction"] = "EU-BENCH",
                ["validFrom"] = ValidFrom,
                ["validUntil"] = ValidUntil,
            });

        private Transaction Create(SigningKey sender, string contract, string action, CborMap args) =>
            Transaction.Create(sender, ChainId, Nonces.Next(sender.Account), Expiry, contract, action, args);
    }
}
