using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

public sealed class ProfileAndSearchTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().Open();

    public void Dispose() => _chain.Dispose();

    private IReadOnlyList<PractitionerListing> Search(CborMap? criteria = null) =>
        _chain.Query<SearchResults>("services", "search", criteria ?? []).Practitioners;

    private PractitionerListing Profile(string practitioner) =>
        _chain.Query<Found<PractitionerListing>>("services", "profile", new CborMap { ["practitioner"] = _chain.Account(practitioner).ToString() }).Value!;

    private List<string> Found(CborMap criteria) =>
        Search(criteria).Select(p => p.Name).ToList();

    private TxResult Publish(CborMap args) => _chain.Submit("dr-okafor", "services", "publish-profile", args);

    private static CborMap ProfileArgs() => new()
    {
        ["languages"] = new List<object> { "en" }, ["modes"] = new List<object> { "video" }, ["price"] = 80L, ["asset"] = Asset,
    };

    private void SeedThreeDoctors()
    {
        Verdict.Valid(_chain.Issue("board-admin", LicenceIssue.For(_chain.Account("dr-okafor"), T0) with { Specialty = "cardiology" }));
        Verdict.Valid(_chain.PublishProfile("dr-okafor", price: 150, languages: ["en", "fr"], modes: ["video"]));
        Verdict.Valid(_chain.AddSlots("dr-okafor", [Slot(20)]));
        Verdict.Valid(_chain.PublishProfile("dr-sato", price: 60, languages: ["ja", "en"], modes: ["on-site"]));
    }

    [Fact]
    public void Publish_TakesTheSpecialtyFromTheLicence()
    {
        Verdict.Valid(_chain.Issue("board-admin", LicenceIssue.For(_chain.Account("dr-okafor"), T0) with { Specialty = "cardiology" }));

        Verdict.Valid(Publish(ProfileArgs()));

        var profile = Profile("dr-okafor");
        Assert.Equal("cardiology", profile.Specialty);
        Assert.Equal(80L, profile.Price);
        Assert.True(profile.Licensed);
    }

    [Fact]
    public void Publish_Unlicensed_IsRefused()
    {
        using var chain = new ServicesWorld().Build();

        chain.AssertRefusedUnchanged(() => chain.Submit("dr-okafor", "services", "publish-profile", ProfileArgs()), "unlicensed: ");
    }

    [Theory]
    [InlineData("languages", "EN", "languages are 1-20 lowercase language tags")]
    [InlineData("modes", "telepathy", "modes are one or more of video, on-site")]
    [InlineData("price", 0L, "price must be positive")]
    [InlineData("asset", "GOLD", "unknown asset GOLD")]
    public void Publish_BadField_IsRefusedAndChangesNothing(string field, object value, string reason)
    {
        var args = ProfileArgs();
        args[field] = field is "languages" or "modes" ? new List<object> { value } : value;

        _chain.AssertRefusedUnchanged(() => Publish(args), reason);
    }

    [Fact]
    public void Publish_ByAPatient_IsRefused() =>
        _chain.AssertRefusedUnchanged(() => _chain.Submit("patient-jones", "services", "publish-profile", ProfileArgs()), "only a practitioner may do this");

    [Fact]
    public void AddSlots_OverlappingPastTooManyOrWithoutProfile_AreRefused()
    {
        _chain.AssertRefusedUnchanged(() => _chain.AddSlots("dr-rivera", [Slot(0) + 10 * 60_000]), "overlaps another of your slots");
        _chain.AssertRefusedUnchanged(() => _chain.AddSlots("dr-rivera", [Slot(30), Slot(30) + 29 * 60_000]), "overlaps another of your slots");
        _chain.AssertRefusedUnchanged(() => _chain.AddSlots("dr-rivera", [_chain.Time]), "is not in the future");
        _chain.AssertRefusedUnchanged(() => _chain.AddSlots("dr-rivera", Enumerable.Range(100, 101).Select(Slot)), "between 1 and 100 slots");
        _chain.AssertRefusedUnchanged(() => _chain.AddSlots("dr-rivera", [Slot(30)], minutes: 4), "a slot lasts 5 to 480 minutes");
        _chain.AssertRefusedUnchanged(() => _chain.AddSlots("dr-okafor", [Slot(30)]), "publish a profile before adding slots");
    }

    [Fact]
    public void AddSlots_BackToBack_DoNotOverlap()
    {
        Verdict.Valid(_chain.AddSlots("dr-rivera", [Slot(0) + 30 * 60_000]));
    }

    [Fact]
    public void RemoveSlots_FreeOnes_BookedOnesAreRefused()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        _chain.AssertRefusedUnchanged(() => _chain.Submit("dr-rivera", "services", "remove-slots", new CborMap { ["starts"] = new List<object> { Slot(1), Slot(0) } }), "is booked");
        Verdict.Valid(_chain.Submit("dr-rivera", "services", "remove-slots", new CborMap { ["starts"] = new List<object> { Slot(1) } }));

        Assert.Null(_chain.Get(Contracts.Services.Slot.Key(_chain.Account("dr-rivera"), Slot(1))));
    }

    [Fact]
    public void Search_ByEachCriterion_FindsTheMatchingPractitioners()
    {
        SeedThreeDoctors();

        Assert.Equal(["dr-okafor"], Found(new CborMap { ["specialty"] = "cardiology" }));
        Assert.Equal(["dr-rivera", "dr-sato"], Found(new CborMap { ["specialty"] = "general-practice" }).Order().ToList());
        Assert.Equal(["dr-sato"], Found(new CborMap { ["language"] = "ja" }));
        Assert.Equal(["dr-rivera", "dr-sato"], Found(new CborMap { ["mode"] = "on-site" }).Order().ToList());
        Assert.Equal(["dr-sato", "dr-rivera"], Found(new CborMap { ["maxPrice"] = 100L }));
        Assert.Equal(["dr-rivera"], Found(new CborMap { ["from"] = Slot(0), ["to"] = Slot(9) }));
        Assert.Equal(["dr-okafor"], Found(new CborMap { ["from"] = Slot(10) }));
        Assert.Empty(Found(new CborMap { ["language"] = "de" }));
    }

    [Fact]
    public void Search_BestRatedFirstThenCheapest()
    {
        SeedThreeDoctors();
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        _chain.RunToCompletion("b1");
        Verdict.Valid(_chain.OnBooking("patient-jones", "rate", "b1", new CborMap { ["score"] = 3L }));

        Assert.Equal(["dr-rivera", "dr-sato", "dr-okafor"], Found([]));
        Assert.Equal(["dr-rivera"], Found(new CborMap { ["minRating"] = 30L }));
        Assert.Empty(Found(new CborMap { ["minRating"] = 31L }));
    }

    [Fact]
    public void Search_ShowsOnlyFreeFutureSlots_AndHidesUnlicensedPractitioners()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

        var slots = Search().Single().FreeSlots.Select(s => s.Start).ToList();
        Assert.Equal(Enumerable.Range(1, 9).Select(Slot), slots);

        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-rivera")));
        Assert.Empty(Search());
        Assert.False(Profile("dr-rivera").Licensed);
    }
}
