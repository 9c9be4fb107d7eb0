using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>dr-rivera refers patients to the central laboratory, whose technician sees patients on referral only, on site.</summary>
public sealed class ReferralTests : IDisposable
{
    private static readonly long LabSlot = Slot(0);
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public ReferralTests()
    {
        Verdict.Valid(_chain.PublishProfile("lab-tech", price: 60, modes: ["on-site"], referralOnly: true));
        Verdict.Valid(_chain.AddSlots("lab-tech", [LabSlot, LabSlot + Hour]));
        Verdict.Valid(Refer("r1", "patient-jones"));
    }

    public void Dispose() => _chain.Dispose();

    private TxResult Refer(string id, string patient, string org = "central-lab", string from = "dr-rivera", long? expiry = null) =>
        _chain.Submit(from, "services", "refer", new CborMap
        {
            ["referral"] = id, ["patient"] = _chain.Account(patient).ToString(), ["organisation"] = org,
            ["examination"] = "loinc:24627-2", ["expiry"] = expiry ?? _chain.Time + 30 * Day,
        });

    private TxResult BookLab(string patient, string booking, string? referral = "r1", string mode = "on-site", long? start = null) =>
        _chain.Book(patient, booking, start ?? LabSlot, practitioner: "lab-tech", mode: mode, referral: referral);

    [Fact]
    public void Book_WithTheReferral_BooksTheExaminationAndUsesTheReferral()
    {
        Verdict.Valid(BookLab("patient-jones", "x1"));

        Assert.Equal(940, _chain.BalanceOf("patient-jones"));
        Assert.Equal("r1", _chain.Booking("x1").Referral);
        Assert.Equal("x1", _chain.Query<Found<Referral>>("services", "referral", new CborMap { ["referral"] = "r1" }).Value?.Booking);
    }

    [Fact]
    public void Book_ReferralOnlyWithoutAReferral_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => BookLab("patient-jones", "x1", referral: null), "sees patients on referral only");

    [Fact]
    public void Book_WithAReferralAlreadyUsed_IsRefused()
    {
        Verdict.Valid(BookLab("patient-jones", "x1"));

        _chain.AssertRefusedUnchanged(() => BookLab("patient-jones", "x2", start: LabSlot + Hour), "referral r1 is already used by booking x1");
    }

    [Fact]
    public void Book_DeclinedReferralBooking_FreesTheReferralForAnother()
    {
        Verdict.Valid(BookLab("patient-jones", "x1"));
        Verdict.Valid(_chain.OnBooking("lab-tech", "decline", "x1"));

        Verdict.Valid(BookLab("patient-jones", "x2", start: LabSlot + Hour));
    }

    [Fact]
    public void Book_WithSomeoneElsesReferral_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => BookLab("patient-lee", "x1"), "referral r1 is not yours");

    [Fact]
    public void Book_ReferralByVideo_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => BookLab("patient-jones", "x1", mode: "video"), "does not offer video");

    [Fact]
    public void Book_ReferralToAnotherOrganisation_IsRefused()
    {
        Verdict.Valid(Refer("r2", "patient-jones", org: "city-clinic"));

        _chain.AssertRefusedUnchanged(() => BookLab("patient-jones", "x1", referral: "r2"), "referral r2 is to city-clinic, not central-lab");
    }

    [Fact]
    public void Book_ReferralForVideoAtAClinic_IsRefusedAsOnSiteOnly()
    {
        Verdict.Valid(Refer("r2", "patient-jones", org: "city-clinic"));

        _chain.AssertRefusedUnchanged(() => _chain.Book("patient-jones", "b1", Slot(2), referral: "r2"), "a referral is for an on-site examination");
    }

    [Fact]
    public void Book_ExpiredReferral_IsRefused()
    {
        Verdict.Valid(Refer("r2", "patient-jones", expiry: _chain.Time + Hour));
        _chain.Advance(Hour);

        _chain.AssertRefusedUnchanged(() => BookLab("patient-jones", "x1", referral: "r2"), "referral r2 has expired");
    }

    [Fact]
    public void Refer_ToAPharmacyOrUnknownOrganisation_IsRefused()
    {
        using var chain = new ServicesWorld().Organisation("corner-pharmacy", OrganisationKinds.Pharmacy).Open();
        var args = new CborMap
        {
            ["referral"] = "r9", ["patient"] = chain.Account("patient-jones").ToString(), ["organisation"] = "corner-pharmacy",
            ["examination"] = "x", ["expiry"] = chain.Time + Day,
        };

        chain.AssertRefusedUnchanged(() => chain.Submit("dr-rivera", "services", "refer", args), "a referral is to a laboratory or a clinic");
        args["organisation"] = "nowhere";
        chain.AssertRefusedUnchanged(() => chain.Submit("dr-rivera", "services", "refer", args), "no organisation 'nowhere'");
    }

    [Fact]
    public void Refer_ByAnUnlicensedPractitionerOrTwice_IsRefused()
    {
        _chain.AssertRefusedUnchanged(() => Refer("r1", "patient-lee"), "referral r1 already exists");
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-okafor")));

        _chain.AssertRefusedUnchanged(() => Refer("r2", "patient-lee", from: "dr-okafor"), "unlicensed: licence was revoked");
    }

    [Fact]
    public void Referrals_ListWhatThePatientReceivedAndThePractitionerWrote_ToThemOnly()
    {
        Verdict.Valid(Refer("r2", "patient-lee"));

        CborMap Of(string who) => new() { ["account"] = _chain.Account(who).ToString() };
        Assert.Equal(["r1"], _chain.Query<ReferralList>("services", "referrals", Of("patient-jones")).Referrals.Select(r => r.Id));
        Assert.Equal(["r1", "r2"], _chain.Query<ReferralList>("services", "referrals", Of("dr-rivera")).Referrals.Select(r => r.Id));
        Assert.Empty(_chain.Query<ReferralList>("services", "referrals", Of("dr-sato")).Referrals);
        var audience = new ServicesContract().Queries.Single(q => q.Name == "referrals").Audience;
        var state = new QueryContext(_chain.View, _chain.Time);
        Assert.True(audience(state, Of("patient-jones"), new Asker(_chain.Account("patient-jones"), "patient", "city-clinic", false)));
        Assert.False(audience(state, Of("patient-jones"), new Asker(_chain.Account("patient-lee"), "patient", "city-clinic", false)));
        Assert.False(audience(state, Of("patient-jones"), new Asker(_chain.Account("lab-admin"), "admin", "central-lab", false)));
    }
}
