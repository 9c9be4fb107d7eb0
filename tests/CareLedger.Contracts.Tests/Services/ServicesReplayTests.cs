using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// Every node replays every block, including the steps block time triggers: a week of bookings,
/// consultations, cancellations, no-shows, timeouts, second opinions and a revoked licence,
/// replayed in two fresh runtimes, gives identical headers (state commitments), results and state.
/// </summary>
public sealed class ServicesReplayTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().Open();
    private readonly List<ExecutedBlock> _blocks = [];

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void AWeekOfServices_ReplayedInTwoFreshRuntimes_GivesIdenticalHeadersResultsAndState()
    {
        var start = _chain.State.Scan("").Select(e => KeyValuePair.Create(e.Key, (byte[]?)e.Value)).ToList();
        var head = _chain.Head;

        AWeekOfServices();

        Assert.All(_blocks.SelectMany(b => b.Results), r => Assert.True(r.Valid, r.Reason));
        Assert.Equal(["released", "cancelled", "declined", "expired", "no-show", "cancelled"], new[] { "b1", "b2", "b3", "b4", "b5", "b6" }.Select(_chain.Status));
        Assert.Equal(40L, _chain.Query<Found<OpinionCase>>("services", "case", new CborMap { ["case"] = "c1" }).Value?.Refunded);

        var first = Replay(start, head);
        var second = Replay(start, head);
        Assert.Equal(_blocks.Select(b => b.Header), first.Headers);
        Assert.Equal(first.Headers, second.Headers);
        Assert.Equal(_blocks.Select(b => Encode(b.Results)), first.Results);
        Assert.Equal(first.Results, second.Results);
        Assert.Equal(Dump(_chain.State), Dump(first.State));
        Assert.Equal(Dump(first.State), Dump(second.State));
    }

    private void AWeekOfServices()
    {
        var records = new[] { ServicesActions.NewRecordId(), ServicesActions.NewRecordId() };
        Step(Services("insurer-admin", "deposit", new CborMap { ["asset"] = Asset, ["amount"] = 500L }),
            Services("insurer-admin", "set-coverage", new CborMap { ["patient"] = Account("patient-lee"), ["asset"] = Asset, ["limit"] = 300L }),
            _chain.BookSign("patient-jones", "b1", "dr-rivera", Slot(0)),
            _chain.BookSign("patient-lee", "b2", "dr-rivera", Slot(1), insurer: "care-insurance"),
            _chain.BookSign("patient-jones", "b3", "dr-rivera", Slot(2)),
            _chain.BookSign("patient-lee", "b4", "dr-rivera", Slot(3)),
            _chain.BookSign("patient-jones", "b5", "dr-rivera", Slot(8)),
            Services("dr-rivera", "add-slots", new CborMap { ["starts"] = new List<object> { Slot(0) + 5 * Day }, ["minutes"] = 30L }),
            _chain.BookSign("patient-lee", "b6", "dr-rivera", Slot(0) + 5 * Day));
        Step(OnBooking("dr-rivera", "accept", "b1"), OnBooking("dr-rivera", "accept", "b2"), OnBooking("dr-rivera", "decline", "b3"),
            OnBooking("dr-rivera", "accept", "b5"), OnBooking("dr-rivera", "accept", "b6"));
        WaitUntil(Slot(0) - Hour);
        Step(OnBooking("patient-lee", "cancel", "b2"));
        WaitUntil(Slot(0));
        Step(OnBooking("dr-rivera", "start-consultation", "b1"));
        WaitUntil(Slot(0) + 25 * 60_000);
        Step(OnBooking("dr-rivera", "end-consultation", "b1"),
            _chain.Sign("dr-rivera", "records", "add", new CborMap
            {
                ["record"] = records[0], ["patient"] = Account("patient-jones"), ["type"] = "Encounter",
                ["contentHash"] = ServicesActions.Symptoms, ["keysHash"] = ServicesActions.Symptoms,
            }),
            OnBooking("dr-rivera", "complete", "b1", new CborMap { ["summary"] = records[0] }),
            _chain.Sign("patient-jones", "records", "add", new CborMap
            {
                ["record"] = records[1], ["patient"] = Account("patient-jones"), ["type"] = "Observation",
                ["contentHash"] = ServicesActions.Symptoms, ["keysHash"] = ServicesActions.Symptoms,
            }),
            _chain.GrantSign("patient-jones", "dr-okafor", "second-opinion", records: [records[1]]));
        Step(Services("patient-jones", "request-opinions", new CborMap
        {
            ["case"] = "c1", ["records"] = new List<object> { records[1] }, ["practitioners"] = new List<object> { Account("dr-okafor") },
            ["fee"] = 40L, ["asset"] = Asset, ["deadline"] = _chain.Time + Day,
        }), OnBooking("patient-jones", "rate", "b1", new CborMap { ["score"] = 5L }));
        WaitUntil(Slot(8) + 15 * 60_000);
        WaitUntil(Slot(0) + 3 * Day);
        Step(_chain.Sign("board-admin", "licensing", "revoke", new CborMap { ["practitioner"] = Account("dr-rivera"), ["reason"] = "struck off" }));
        WaitUntil(_chain.Time + Hour);
    }

    private void Step(params Transaction[] txs) => _blocks.Add(_chain.Commit(txs));

    private void WaitUntil(long time)
    {
        _chain.AdvanceTo(time);
        Step();
    }

    private string Account(string name) => _chain.Account(name).ToString();

    private Transaction Services(string sender, string action, CborMap args) => _chain.Sign(sender, "services", action, args);

    private Transaction OnBooking(string sender, string action, string booking, CborMap? extra = null)
    {
        var args = new CborMap { ["booking"] = booking };
        foreach (var (key, value) in extra ?? []) args[key] = value;
        return Services(sender, action, args);
    }

    private (List<BlockHeader> Headers, List<List<string>> Results, MemoryState State) Replay(List<KeyValuePair<string, byte[]?>> start, BlockHeader head)
    {
        var executor = new BlockExecutor(ConsortiumContracts.CreateRuntime(_chain.Genesis.ChainId));
        var state = new MemoryState();
        state.Apply(start);
        var replica = (Headers: new List<BlockHeader>(), Results: new List<List<string>>(), State: state);
        foreach (var block in _blocks)
        {
            var executed = executor.Execute(state, head, block.Transactions, block.Header.Time, default);
            state.Apply(executed.Writes);
            head = executed.Header;
            replica.Headers.Add(executed.Header);
            replica.Results.Add(Encode(executed.Results));
        }
        return replica;
    }

    private static List<string> Encode(IEnumerable<TxResult> results) => results.Select(r => Convert.ToHexString(r.Encode())).ToList();

    private static List<string> Dump(IStateReader state) => state.Scan("").Select(e => e.Key + "=" + Convert.ToHexString(e.Value)).ToList();
}
