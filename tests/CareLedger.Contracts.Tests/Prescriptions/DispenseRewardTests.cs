using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsActions;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;

namespace CareLedger.Contracts.Tests.Prescriptions;

public sealed class DispenseRewardTests : IDisposable
{
    private readonly TestConsortium _chain = Open();

    public void Dispose() => _chain.Dispose();

    [Fact]
    public void DispenseReward_IsPaidOncePerCompletedFill_NotPerPartialDispense()
    {
        Verdict.Valid(_chain.FundProgramme("prog-1", 1_000, perDay: 0, perDispense: 10));
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.OnRx("patient-jones", "join", rx, new CborMap { ["programme"] = "prog-1" }));

        Verdict.Valid(_chain.Present(rx, code: "a"));
        Verdict.Valid(_chain.Dispense(rx, quantity: 10, code: "a"));
        Verdict.Valid(_chain.Present(rx, code: "b"));
        Verdict.Valid(_chain.Dispense(rx, quantity: 10, code: "b"));
        Verdict.Valid(_chain.Present(rx, code: "c"));
        Verdict.Valid(_chain.Dispense(rx, quantity: 10, code: "c"));

        var log = _chain.Query<Found<PrescriptionDetail>>("prescriptions", "prescription", new CborMap { ["prescription"] = rx }).Value!.DispenseLog;
        Assert.Equal([0L, 0L, 10L], log.Select(d => d.Reward));
    }
}
