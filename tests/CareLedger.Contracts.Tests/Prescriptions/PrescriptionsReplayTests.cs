using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Prescriptions;

/// <summary>
/// Two weeks of prescribing, presenting, dispensing (refused attempts included), a revoked licence
/// and a renewal, a programme and check-ins, replayed in two fresh runtimes: identical headers,
/// results and state.
/// </summary>
public sealed class PrescriptionsReplayTests : IDisposable
{
    private readonly TestConsortium _chain = Open();
    private readonly List<ExecutedBlock> _blocks = [];

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void TwoWeeksOfPrescriptions_ReplayedInTwoFreshRuntimes_GiveIdenticalHeadersResultsAndState()
    {
        var start = _chain.State.Scan("").Select(e => KeyValuePair.Create(e.Key, (byte[]?)e.Value)).ToList();
        var head = _chain.Head;

        TwoWeeks();

        Assert.Contains(_blocks.SelectMany(b => b.Results), r => !r.Valid);
        Assert.Equal(2L, _chain.Rx("rx-a").Dispenses);
        Assert.Equal(_chain.Account("dr-okafor"), _chain.Rx("rx-a").Prescriber);
        var first = Replay(start, head);
        var second = Replay(start, head);
        Assert.Equal(_blocks.Select(b => b.Header), first.Headers);
        Assert.Equal(first.Headers, second.Headers);
        Assert.Equal(_blocks.Select(b => Encode(b.Results)), first.Results);
        Assert.Equal(first.Results, second.Results);
        Assert.Equal(Dump(_chain.State), Dump(first.State));
        Assert.Equal(Dump(first.State), Dump(second.State));
    }

    private void TwoWeeks()
    {
        var records = new[] { Services.ServicesActions.NewRecordId(), Services.ServicesActions.NewRecordId() };
        Step(AddRecord("dr-rivera", "patient-jones", records[0]), AddRecord("dr-okafor", "patient-lee", records[1]),
            _chain.Sign("insurer-admin", "prescriptions", "fund-programme", new CborMap
            {
                ["programme"] = "adhere", ["asset"] = Asset, ["amount"] = 200L, ["rewardPerDay"] = 4L, ["rewardPerDispense"] = 6L,
            }));
        Step(_chain.Sign("dr-rivera", "prescriptions", "issue", new RxIssue("rx-a", "patient-jones", records[0], _chain.Time) { Quantity = 10, DosesPerDay = 2 }.ToArgs(_chain)),
            _chain.Sign("dr-okafor", "prescriptions", "issue", new RxIssue("rx-b", "patient-lee", records[1], _chain.Time) { Fills = 1 }.ToArgs(_chain)));
        Step(_chain.Sign("patient-jones", "prescriptions", "join", new CborMap { ["prescription"] = "rx-a", ["programme"] = "adhere" }),
            _chain.PresentSign("patient-jones", "rx-a", Corner, "one"), _chain.PresentSign("patient-lee", "rx-b", Harbour, "two"));
        Step(_chain.DispenseSign("pharmacist-diaz", "rx-a", 1, 10, "one"), _chain.DispenseSign("pharmacist-chen", "rx-a", 1, 10, "one"),
            _chain.DispenseSign("pharmacist-ali", "rx-a", 1, 10, "one"), _chain.DispenseSign("pharmacist-diaz", "rx-b", 1, 12, "two"));
        for (var day = 0; day < 3; day++)
        {
            Step(CheckIn("rx-a"), CheckIn("rx-a"), CheckIn("rx-a"));
            WaitUntil(_chain.Time + Day);
        }
        Step(_chain.Sign("board-admin", "licensing", "revoke", new CborMap { ["practitioner"] = _chain.Account("dr-rivera").ToString(), ["reason"] = "struck off" }),
            _chain.PresentSign("patient-jones", "rx-a", Corner, "three"));
        Step(_chain.DispenseSign("pharmacist-chen", "rx-a", 2, 10, "three"),
            _chain.Sign("dr-okafor", "prescriptions", "renew", new CborMap { ["prescription"] = "rx-a", ["contentHash"] = PrescriptionsActions.ContentHash }),
            _chain.PresentSign("patient-jones", "rx-a", Corner, "four"));
        Step(_chain.DispenseSign("pharmacist-chen", "rx-a", 2, 10, "four"), _chain.Sign("pharmacy-admin", "prescriptions", "collect", new CborMap { ["asset"] = Asset, ["amount"] = 20L }));
        WaitUntil(_chain.Time + 7 * Day);
        Step(_chain.Sign("dr-okafor", "prescriptions", "cancel", new CborMap { ["prescription"] = "rx-b" }));
    }

    private Transaction AddRecord(string author, string patient, string id) => _chain.Sign(author, "records", "add", new CborMap
    {
        ["record"] = id, ["patient"] = _chain.Account(patient).ToString(), ["type"] = "MedicationRequest",
        ["contentHash"] = PrescriptionsActions.ContentHash, ["keysHash"] = PrescriptionsActions.ContentHash,
    });

    private Transaction CheckIn(string rx) => _chain.Sign("patient-jones", "prescriptions", "check-in", new CborMap { ["prescription"] = rx });

    private void Step(params Transaction[] txs) => _blocks.Add(_chain.Commit(txs));

    private void WaitUntil(long time)
    {
        _chain.Advance(time - _chain.Time);
        Step();
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
