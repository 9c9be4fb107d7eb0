using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsActions;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Prescriptions;

public sealed class DispenseTests : IDisposable
{
    private readonly TestConsortium _chain = Open();

    public void Dispose() => _chain.Dispose();

    private long Jones => _chain.Balance(_chain.Account("patient-jones"));

    [Fact]
    public void Dispense_PresentedWithTheRightCode_DispensesTheFillAndPaysThePharmacy()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx, price: 25));
        Assert.Equal(975, Jones);

        var result = _chain.Dispense(rx, charge: 20);

        Verdict.Valid(result);
        var after = _chain.Rx(rx);
        Assert.Equal((1L, 30L, 30L, ""), (after.FillsLeft, after.Remaining, after.Dispensed, after.Pharmacy));
        Assert.Equal(980, Jones);
        Assert.Equal(20, _chain.Till());
        Assert.Equal(0, _chain.Escrow(CareLedger.Contracts.Prescriptions.PrescriptionsContract.PresentedEscrow(rx)));
        var log = _chain.Query<Found<PrescriptionDetail>>("prescriptions", "prescription", new CborMap { ["prescription"] = rx }).Value!.DispenseLog;
        Assert.Equal(_chain.Account("pharmacist-chen"), Assert.Single(log).Pharmacist);

        Verdict.Valid(_chain.Submit("pharmacy-admin", "prescriptions", "collect", new CborMap { ["asset"] = Asset, ["amount"] = 20L }));
        Assert.Equal(20, _chain.Balance(_chain.Account("pharmacy-admin")));
    }

    [Fact]
    public void Dispense_PartialFills_CompleteAFillOnlyWhenItsQuantityIsOut()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx, code: "a"));
        Verdict.Valid(_chain.Dispense(rx, quantity: 10, code: "a"));
        Assert.Equal((2L, 20L), (_chain.Rx(rx).FillsLeft, _chain.Rx(rx).Remaining));

        Verdict.Valid(_chain.Present(rx, Harbour, code: "b"));
        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, quantity: 21, pharmacist: "pharmacist-diaz", code: "b"), "quantity too large: 20 doses remain in fill 1");
        Verdict.Valid(_chain.Dispense(rx, quantity: 20, pharmacist: "pharmacist-diaz", code: "b"));

        Assert.Equal((1L, 30L, 30L), (_chain.Rx(rx).FillsLeft, _chain.Rx(rx).Remaining, _chain.Rx(rx).Dispensed));
        Assert.Equal((20L, 20L), (_chain.Till(Corner), _chain.Till(Harbour)));
    }

    [Fact]
    public void Dispense_TheLastFill_LeavesNoFills()
    {
        var rx = _chain.Prescribe(shape: i => i with { Fills = 1 });
        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Dispense(rx));

        _chain.AssertRefusedUnchanged(() => _chain.Present(rx, code: "again"), "no fills left");
        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, fill: 2), "no fills left");
    }

    [Fact]
    public void Dispense_AFillAlreadyDispensedOrNotYetDue_IsRefused()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));
        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, fill: 2), "fill 2 is not due: fill 1 comes first");
        Verdict.Valid(_chain.Dispense(rx));
        Verdict.Valid(_chain.Present(rx, code: "second"));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, fill: 1, code: "second"), "fill 1 was already dispensed");
    }

    [Fact]
    public void Dispense_Expired_IsRefusedAndChangesNothing()
    {
        var rx = _chain.Prescribe(shape: i => i with { Expiry = _chain.Time + Day });
        Verdict.Valid(_chain.Present(rx));
        _chain.Advance(Day);

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx), "has expired");
        Verdict.Valid(_chain.OnRx("patient-jones", "withdraw", rx));
        Assert.Equal(1_000, Jones);
    }

    [Fact]
    public void Dispense_ByAnotherPharmacy_IsRefusedWithWrongPharmacy()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx, Corner));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, pharmacist: "pharmacist-diaz"), "wrong pharmacy");
    }

    [Fact]
    public void Dispense_NotPresented_IsRefused()
    {
        var rx = _chain.Prescribe();
        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx), "is not presented to a pharmacy");
    }

    [Fact]
    public void Dispense_WrongCode_IsRefusedAndChangesNothing()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx, code: "right"));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, code: "wrong"), "wrong code");
    }

    [Fact]
    public void Dispense_TamperedPrescription_IsRefusedAndChangesNothing()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, contentHash: TamperedHash), "tampered prescription");
    }

    [Fact]
    public void Dispense_QuantityTooLargeOrNotPositive_IsRefused()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, quantity: 31), "quantity too large: 30 doses remain in fill 1, asked for 31");
        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, quantity: 0), "quantity must be positive");
    }

    [Fact]
    public void Dispense_ChargeAboveWhatThePatientAgreed_IsRefused()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx, price: 15));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, charge: 16), "charge must be between 0 and the 15");
    }

    [Fact]
    public void Dispense_UnlicensedPharmacist_IsRefused()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("pharmacist-chen")));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx), "unlicensed pharmacist");
        Verdict.Valid(_chain.Dispense(rx, pharmacist: "pharmacist-ali"));
    }

    [Fact]
    public void Dispense_ByAPractitioner_IsRefused()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));

        _chain.AssertRefusedUnchanged(() => _chain.Commit(_chain.DispenseSign("dr-okafor", rx, 1, 30)).Results[0], "only a pharmacist may do this");
    }

    [Fact]
    public void Present_RefusalsChangeNothing()
    {
        var rx = _chain.Prescribe();

        _chain.AssertRefusedUnchanged(() => _chain.Present(rx, patient: "patient-lee"), "is not yours");
        _chain.AssertRefusedUnchanged(() => _chain.Present(rx, "city-clinic"), "is a clinic, not a pharmacy");
        _chain.AssertRefusedUnchanged(() => _chain.Present(rx, price: 5_000), "insufficient funds");
        _chain.AssertRefusedUnchanged(() => _chain.Present("rx-none"), "no prescription rx-none");
    }

    [Fact]
    public void Present_Again_MovesThePrescriptionToTheNewPharmacyAndRefundsTheOldLock()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx, Corner, code: "first", price: 30));
        Verdict.Valid(_chain.Present(rx, Harbour, code: "second", price: 10));

        Assert.Equal(990, Jones);
        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, code: "first"), "wrong pharmacy");
        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, pharmacist: "pharmacist-diaz", code: "first", charge: 10), "wrong code");
        Verdict.Valid(_chain.Dispense(rx, pharmacist: "pharmacist-diaz", code: "second", charge: 10));
    }

    [Fact]
    public void Dispense_TheCodeIsOneTime_ANextFillNeedsANewPresentation()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx, code: "once"));
        Verdict.Valid(_chain.Dispense(rx, quantity: 10, code: "once"));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx, quantity: 10, code: "once"), "is not presented to a pharmacy");
    }
}
