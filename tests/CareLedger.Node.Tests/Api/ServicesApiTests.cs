using CareLedger.Client.Records;
using CareLedger.Client.Api;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CareLedger.Client.Services;
using CareLedger.Contracts.Services;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>The services read endpoints over the demo seed: Dr. Rivera's profile and slots, bookings, terms; and the SDK over them.</summary>
[Collection(DemoNodeCollection.Name)]
public sealed class ServicesApiTests(DemoNodeFixture demo)
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private ServicesClient Services => new(demo.Client);
    private string Rivera => demo.Account("dr-rivera").ToString();

    private async Task<List<PractitionerListing>> SearchAsync(string query) =>
        (await demo.Http.GetFromJsonAsync<List<PractitionerListing>>("v1/practitioners" + query))!;

    private async Task<PractitionerPage> RiveraAsync() => (await demo.Http.GetFromJsonAsync<PractitionerPage>($"v1/practitioners/{Rivera}"))!;

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ssZ");

    [Fact]
    public async Task Search_DemoDoctorsSpecialtyLanguagePriceAndAFreeSlotInTheWindow_FindsHer()
    {
        var first = (await RiveraAsync()).Slots.First(s => s.Free).Start;

        var found = await SearchAsync($"?specialty=general-practice&language=es&mode=on-site&maxPrice=50&minRating=0&from={Iso(first - 60_000)}&to={first}");

        var rivera = Assert.Single(found, p => p.Practitioner.ToString() == Rivera);
        Assert.Equal("Dr. Ana Rivera", rivera.Name);
        Assert.Equal(["en", "es"], rivera.Languages);
        Assert.Equal(first, Assert.Single(rivera.FreeSlots).Start);
    }

    [Theory]
    [InlineData("?language=fr")]
    [InlineData("?maxPrice=49")]
    [InlineData("?specialty=cardiology")]
    [InlineData("?minRating=0.1")]
    [InlineData("?from=2001-01-01&to=2001-01-02")]
    public async Task Search_ACriterionSheDoesNotMeet_LeavesHerOut(string query) =>
        Assert.DoesNotContain(await SearchAsync(query), p => p.Practitioner.ToString() == Rivera);

    [Theory]
    [InlineData("?minRating=6", "minRating is a number of stars from 0 to 5")]
    [InlineData("?minRating=four", "minRating is a number of stars")]
    [InlineData("?mode=phone", "mode is one of video, on-site")]
    [InlineData("?maxPrice=-1", "maxPrice must not be negative")]
    [InlineData("?from=yesterday", "from and to are Unix milliseconds or ISO 8601")]
    [InlineData("?from=2030-01-02&to=2030-01-01", "from must not come after to")]
    [InlineData("?maxPrice=cheap", "malformed")]
    public async Task Search_BadCriteria_AreProblemDetails(string query, string detail)
    {
        using var response = await demo.Http.GetAsync("v1/practitioners" + query);

        Assert.Contains(detail, ProblemAssert.Detail(await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task GetPractitioner_DemoDoctor_ShowsProfileRatingAndSeededSlots()
    {
        var details = await RiveraAsync();

        Assert.Equal("general-practice", details.Profile.Specialty);
        Assert.Equal(["video", "on-site", "async"], details.Profile.Modes);
        Assert.Equal(48L, details.Profile.ResponseHours);
        Assert.Equal(50, details.Profile.Price);
        Assert.True(details.Profile.Licensed);
        Assert.Equal(0, details.Profile.Ratings);
        Assert.True(details.Slots.Count >= 5, $"{details.Slots.Count} slots");
        Assert.All(details.Slots, s => Assert.Equal(30 * 60_000, s.End - s.Start));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound, "has published no profile")]
    [InlineData("not-an-account", HttpStatusCode.BadRequest, "64 hex characters")]
    public async Task GetPractitioner_UnknownOrMalformed_IsProblemDetails(string account, HttpStatusCode status, string detail)
    {
        using var response = await demo.Http.GetAsync($"v1/practitioners/{account}");

        Assert.Contains(detail, ProblemAssert.Detail(await ProblemAssert.IsProblemAsync(response, status)));
    }

    [Fact]
    public async Task Booking_MadeThroughTheSdk_IsReadableAndListedForBothParties_NotForOthers_ThenCancelled()
    {
        var slot = (await RiveraAsync()).Slots.Last(s => s.Free).Start;
        var id = "api-" + Guid.NewGuid().ToString("N")[..12];
        var patient = demo.Keys["patient-jones"];

        await Services.BookAsync(patient, new BookingRequest(id, Rivera, slot, "video", Symptoms));
        var rivera = Services.As(demo.Keys["dr-rivera"]);
        var booking = await rivera.GetBookingAsync(id);
        var ofPatient = await Services.As(patient).ListBookingsAsync(patient: patient.Account);
        var ofRivera = await rivera.ListBookingsAsync(practitioner: demo.Account("dr-rivera"));
        var asPatientRivera = await rivera.ListBookingsAsync(patient: demo.Account("dr-rivera"));
        using var anonymous = await demo.Http.GetAsync($"v1/bookings/{id}");
        var toPharmacist = await Services.As(demo.Keys["pharmacist-chen"]).GetBookingAsync(id);
        var othersList = await Assert.ThrowsAsync<NodeApiException>(() => rivera.ListBookingsAsync(patient: patient.Account));
        await Services.CancelAsync(patient, id);

        Assert.Equal("requested", booking!.Status);
        Assert.Equal((50L, "CARE", slot), (booking.Price, booking.Asset, booking.Start));
        Assert.Contains(ofPatient, b => b.Id == id);
        Assert.Contains(ofRivera, b => b.Id == id);
        Assert.Empty(asPatientRivera);
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        Assert.Null(toPharmacist); // as if there were no such booking
        Assert.Equal(HttpStatusCode.Forbidden, othersList.Status);
        Assert.Equal("cancelled", (await Services.As(patient).GetBookingAsync(id))!.Status);
        Assert.True((await RiveraAsync()).Slots.Single(s => s.Start == slot).Free);
    }

    [Fact]
    public async Task Book_ASlotTakenMeanwhile_ThrowsWithTheContractsReason()
    {
        var slot = (await RiveraAsync()).Slots.First(s => s.Free).Start;
        var patient = demo.Keys["patient-jones"];
        var first = "api-" + Guid.NewGuid().ToString("N")[..12];
        await Services.BookAsync(patient, new BookingRequest(first, Rivera, slot, "video", Symptoms));

        var refusal = await Assert.ThrowsAsync<ServicesException>(() =>
            Services.BookAsync(patient, new BookingRequest("api-" + Guid.NewGuid().ToString("N")[..12], Rivera, slot, "video", Symptoms)));
        await Services.CancelAsync(patient, first);

        Assert.Equal("book", refusal.Action);
        Assert.StartsWith("slot taken", refusal.Reason);
        Assert.NotNull(refusal.TxId);
    }

    [Fact]
    public async Task Booking_ServedByItsEndpoint_IsTheContractsAnswerField_ForField()
    {
        var slot = (await RiveraAsync()).Slots.First(s => s.Free).Start;
        var id = "api-" + Guid.NewGuid().ToString("N")[..12];
        var patient = demo.Keys["patient-jones"];
        await Services.BookAsync(patient, new BookingRequest(id, Rivera, slot, "video", Symptoms));

        using var request = await SignedHttp.Get(patient, demo.Audience, $"v1/bookings/{id}");
        using var response = await demo.Http.SendAsync(request);
        var served = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
        var answer = await demo.Client.As(patient).QueryAsync(ServicesClient.Contract, "booking", new() { ["booking"] = id });
        await Services.CancelAsync(patient, id);

        Assert.True(answer.Remove("found"));
        Assert.Null(served["dispute"]);
        Assert.True(served.Remove("dispute"));
        Assert.True(JsonNode.DeepEquals(answer, served), $"served {served.ToJsonString()}, answered {answer.ToJsonString()}");
    }

    [Theory]
    [InlineData("v1/bookings", HttpStatusCode.BadRequest, "exactly one of ?patient= or ?practitioner=")]
    [InlineData("v1/bookings?patient=abc&practitioner=def", HttpStatusCode.BadRequest, "exactly one of")]
    [InlineData("v1/bookings?practitioner=abc", HttpStatusCode.BadRequest, "practitioner must be an account id")]
    [InlineData("v1/bookings/Not_An_Id", HttpStatusCode.BadRequest, "1-64 lowercase letters")]
    [InlineData("v1/bookings/no-such-booking", HttpStatusCode.NotFound, "No booking no-such-booking")]
    public async Task Bookings_BadOrUnknown_AreProblemDetails(string path, HttpStatusCode status, string detail)
    {
        using var response = await demo.Http.SendAsync(await SignedHttp.Get(demo.Keys["patient-jones"], demo.Audience, path));

        Assert.Contains(detail, ProblemAssert.Detail(await ProblemAssert.IsProblemAsync(response, status)));
    }

    [Fact]
    public async Task Sdk_UnknownBookingAndTerms_NullAndTheDemoTerms()
    {
        Assert.Null(await Services.As(demo.Keys["patient-jones"]).GetBookingAsync("no-such-booking"));
        var terms = await demo.Http.GetFromJsonAsync<ServicesTerms>("v1/services/terms");

        Assert.Equal((500L, "platform", "medical-board"), (terms!.PlatformFeeBps, terms.Operator, terms.Arbitrator));
    }

    [Fact]
    public async Task DemoSeed_FundsTheInsurersTreasuryAndCoversTheDemoPatient()
    {
        var treasury = await Services.As(demo.Keys["insurer-admin"]).GetTreasuryAsync("care-insurance", "CARE");
        var coverage = await Services.As(demo.Keys["patient-jones"]).GetCoverageAsync(demo.Account("patient-jones"));

        Assert.True(treasury.Amount > 0);
        var cover = Assert.Single(coverage);
        Assert.Equal(("care-insurance", 500L), (cover.Insurer, cover.Limit));
    }
}
