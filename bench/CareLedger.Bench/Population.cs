using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Ordering;
using CareLedger.Ledger.Transactions;
using CareLedger.Node.Demo;
using CareLedger.Node.Hosting;

namespace CareLedger.Bench;

/// <summary>
/// The accounts the workload sends from and to: funded patients (transfers), practitioners (who
/// receive licences) and registrars, extra admins of the medical board, so licences come from
/// many senders rather than queueing behind board-admin's single nonce sequence.
/// </summary>
public sealed class Population : IDisposable
{
    public const long Funds = 1_000_000;
    public const int PractitionerCount = 100;

    private Population(IReadOnlyList<SigningKey> patients, IReadOnlyList<SigningKey> practitioners, IReadOnlyList<SigningKey> registrars)
    {
        Patients = patients;
        Practitioners = practitioners;
        Registrars = registrars;
    }

    public IReadOnlyList<SigningKey> Patients { get; }
    public IReadOnlyList<SigningKey> Practitioners { get; }
    public IReadOnlyList<SigningKey> Registrars { get; }

    /// <summary>Registers everyone, then mints <see cref="Funds"/> CARE to each patient, all through the pool as signed transactions.</summary>
    public static Task<Population> CreateAsync(BenchLedger node, int patients, int registrars, CancellationToken ct) =>
        CreateAsync(node.DataDir, node.Genesis.ChainId, new NonceBook(node.Store), node.Clock.GetUtcNow(), patients, registrars,
            txs => CommitAllAsync(node.Pool, txs, ct));

    /// <summary>
    /// The same for any node: signed with the demo keys in <paramref name="demoDataDir"/>, each stage
    /// (registrations, then mints) handed to <paramref name="commitAll"/>, which returns once all are committed.
    /// </summary>
    public static async Task<Population> CreateAsync(string demoDataDir, string chainId, NonceBook nonces, DateTimeOffset now, int patients, int registrars,
        Func<IReadOnlyList<Transaction>, Task> commitAll)
    {
        var population = new Population(Generate(patients), Generate(PractitionerCount), Generate(registrars));
        using var clinic = DemoConsortium.LoadKey(demoDataDir, "clinic-admin");
        using var board = DemoConsortium.LoadKey(demoDataDir, "board-admin");
        using var insurer = DemoConsortium.LoadKey(demoDataDir, "insurer-admin");
        var signer = new SetupSigner(chainId, nonces, now.AddHours(1).ToUnixTimeMilliseconds());

        var registrations = population.Patients.Select(p => signer.Register(clinic, p, Roles.Patient))
            .Concat(population.Practitioners.Select(p => signer.Register(clinic, p, Roles.Practitioner)))
            .Concat(population.Registrars.Select(r => signer.Register(board, r, Roles.Admin)));
        await commitAll(registrations.ToList());

        var mints = population.Patients.Select(p => signer.Sign(insurer, "tokens", "mint", new CborMap
        {
            ["asset"] = DemoConsortium.Asset, ["to"] = p.Account.ToString(), ["amount"] = Funds,
        }));
        await commitAll(mints.ToList());
        return population;
    }

    internal static SigningKey[] Generate(int count) => Enumerable.Range(0, count).Select(_ => SigningKey.Generate()).ToArray();

    /// <summary>
    /// Each waiter is registered right after its submission: waiting for a transaction that is
    /// already committed makes the node decode its whole block, which is slow for big blocks.
    /// </summary>
    internal static async Task CommitAllAsync(TransactionPool pool, IEnumerable<Transaction> txs, CancellationToken ct)
    {
        var commits = new List<Task<Receipt>>();
        foreach (var tx in txs)
        {
            var submitted = pool.Submit(tx);
            if (submitted.Status != SubmitStatus.Accepted) throw new InvalidOperationException($"setup {tx.Contract}.{tx.Action} refused: {submitted.Reason}");
            commits.Add(pool.WaitForCommitAsync(tx.Id, ct));
        }
        var receipts = await Task.WhenAll(commits);
        if (receipts.FirstOrDefault(r => !r.Result.Valid) is { } failed)
            throw new InvalidOperationException($"setup transaction {failed.TxId} failed: {failed.Result.Reason}");
    }

    public void Dispose()
    {
        foreach (var key in Patients.Concat(Practitioners).Concat(Registrars)) key.Dispose();
    }

    private sealed class SetupSigner(string chainId, NonceBook nonces, long expiry)
    {
        public Transaction Register(SigningKey admin, SigningKey member, string role) =>
            Sign(admin, "membership", "register", new CborMap { ["account"] = member.Account.ToString(), ["role"] = role });

        public Transaction Sign(SigningKey sender, string contract, string action, CborMap args) =>
            Transaction.Create(sender, chainId, nonces.Next(sender.Account), expiry, contract, action, args);
    }
}
