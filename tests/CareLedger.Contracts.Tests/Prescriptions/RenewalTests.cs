using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsActions;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Prescriptions;

/// <summary>A revoked licence blocks new dispenses of its unfilled prescriptions until another practitioner renews them.</summary>
public sealed class RenewalTests : IDisposable
{
    private readonly TestConsortium _chain = Open();

    public void Dispose() => _chain.Dispose();

    private TxResult Renew(string practitioner, string rx, string contentHash = ContentHash) =>
        _chain.OnRx(practitioner, "renew", rx, new CborMap { ["contentHash"] = contentHash });

    [Fact]
    public void Dispense_AfterThePrescribersLicenceWasRevoked_IsRefused()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-rivera")));

        _chain.AssertRefusedUnchanged(() => _chain.Dispense(rx), "the prescriber's licence was revoked: another practitioner must renew");
        _chain.AssertRefusedUnchanged(() => _chain.Present(rx, code: "other"), "the prescriber's licence was revoked");
    }

    [Fact]
    public void Renew_ByAnotherLicensedPractitionerWithCare_LetsDispensingGoOn()
    {
        var rx = _chain.Prescribe();
        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-rivera")));

        Verdict.Valid(Renew("dr-okafor", rx));

        var renewed = _chain.Rx(rx);
        Assert.Equal(_chain.Account("dr-okafor"), renewed.Prescriber);
        Assert.Equal(_chain.Account("dr-rivera").ToString(), renewed.RenewedFrom);
        Assert.Equal(_chain.Account("dr-rivera"), renewed.IssuedBy);
        Verdict.Valid(_chain.Dispense(rx));
    }

    [Fact]
    public void Renew_MovesThePrescriptionFromTheOldPrescribersIndexToTheNewOnes()
    {
        var rx = _chain.Prescribe();
        var indexedAtIssue = _chain.Get(PrescriberPrescription.Key(_chain.Account("dr-rivera"), rx));
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-rivera")));

        Verdict.Valid(Renew("dr-okafor", rx));

        Assert.Equal(new PrescriberPrescription(_chain.Account("patient-jones")), indexedAtIssue);
        Assert.Null(_chain.Get(PrescriberPrescription.Key(_chain.Account("dr-rivera"), rx)));
        Assert.Equal(new PrescriberPrescription(_chain.Account("patient-jones")), _chain.Get(PrescriberPrescription.Key(_chain.Account("dr-okafor"), rx)));
    }

    [Fact]
    public void Renew_Refusals_ChangeNothing()
    {
        var rx = _chain.Prescribe();
        _chain.AssertRefusedUnchanged(() => Renew("dr-okafor", rx), "only a prescription whose prescriber's licence was revoked can be renewed");
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-rivera")));

        _chain.AssertRefusedUnchanged(() => Renew("dr-sato", rx), "no care relationship");
        _chain.AssertRefusedUnchanged(() => Renew("dr-novak", rx), "unlicensed prescriber");
        _chain.AssertRefusedUnchanged(() => Renew("dr-okafor", rx, TamperedHash), "tampered prescription");
        _chain.AssertRefusedUnchanged(() => Renew("dr-rivera", rx), "you are already the prescriber");
    }

    [Fact]
    public void Dispense_PrescriberLicenceLapsedAfterIssueWithoutRevocation_StillDispenses()
    {
        var rivera = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Issue("board-admin", new LicenceIssue(rivera, T0, _chain.Time + 2 * Day)));
        var rx = _chain.Prescribe();
        _chain.Advance(3 * Day);
        Assert.NotNull(_chain.LicenceProblem(rivera, _chain.Time));

        Verdict.Valid(_chain.Present(rx));
        Verdict.Valid(_chain.Dispense(rx));
    }
}
