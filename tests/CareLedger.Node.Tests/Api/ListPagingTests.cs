using System.Net;
using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Client.Services;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// GET /v1/bookings and GET /v1/prescriptions answer a page (limit, after) at a time with a Link rel=next header, and the
/// SDK follows the links: more items than a page come in several pages, each once, and the last page links nowhere.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class ListPagingTests(DemoNodeFixture demo)
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private IAccountKey Jones => demo.Keys["patient-jones"];
    private IAccountKey Rivera => demo.Keys["dr-rivera"];

    /// <summary>Every page of a list, each a signed GET following the previous page's Link header, and whether the last one carried none.</summary>
    private async Task<(List<List<T>> Pages, bool LastLinksNowhere)> PagesAsync<T>(IAccountKey reader, string path)
    {
        var pages = new List<List<T>>();
        for (string? next = path; ;)
        {
            using var response = await demo.Http.SendAsync(await SignedHttp.Get(reader, demo.Audience, next));
            pages.Add((await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<List<T>>())!);
            next = NodeClient.NextLink(response);
            if (next is null) return (pages, !response.Headers.Contains("Link"));
            Assert.True(pages.Count < 100, "the next links never ended");
        }
    }

    private async Task<List<string>> BookAsync(int count)
    {
        var services = new ServicesClient(demo.Client);
        var page = (await demo.Http.GetFromJsonAsync<PractitionerPage>($"v1/practitioners/{Rivera.Account}"))!;
        var ids = new List<string>();
        foreach (var slot in page.Slots.Where(s => s.Free).Take(count))
        {
            var id = "page-" + Guid.NewGuid().ToString("N")[..12];
            await services.BookAsync(Jones, new BookingRequest(id, Rivera.Account.ToString(), slot.Start, "video", Symptoms));
            ids.Add(id);
        }
        Assert.Equal(count, ids.Count);
        return ids;
    }

    [Fact]
    public async Task Bookings_MoreThanALimit_ComeInSeveralPages_EachOnce_TheLastWithoutANextLink()
    {
        var booked = await BookAsync(3);
        var services = new ServicesClient(demo.Client);
        try
        {
            var (pages, lastLinksNowhere) = await PagesAsync<Booking>(Jones, $"v1/bookings?patient={Jones.Account}&limit=2");
            var (whole, _) = await PagesAsync<Booking>(Jones, $"v1/bookings?patient={Jones.Account}");
            var fromSdk = await services.As(Jones).ListBookingsAsync(patient: Jones.Account, pageSize: 2);

            var paged = pages.SelectMany(p => p).Select(b => b.Id).ToList();
            Assert.True(pages.Count >= 2, $"{paged.Count} bookings came in {pages.Count} page(s)");
            Assert.All(pages, p => Assert.True(p.Count <= 2));
            Assert.Equal(paged.Distinct().Count(), paged.Count);
            Assert.Single(whole);
            Assert.Equal(whole[0].Select(b => b.Id).Order(StringComparer.Ordinal), paged.Order(StringComparer.Ordinal));
            Assert.Subset(paged.ToHashSet(), booked.ToHashSet());
            Assert.True(lastLinksNowhere);
            Assert.Equal(paged.Order(StringComparer.Ordinal), fromSdk.Select(b => b.Id).Order(StringComparer.Ordinal));
            Assert.Equal(fromSdk.OrderBy(b => b.Start).ThenBy(b => b.Id, StringComparer.Ordinal).Select(b => b.Id), fromSdk.Select(b => b.Id));
        }
        finally
        {
            foreach (var id in booked) await services.CancelAsync(Jones, id);
        }
    }

    [Fact]
    public async Task Bookings_ByStatusAcrossPages_KeepTheStatusInTheNextLink()
    {
        var booked = await BookAsync(3);
        var services = new ServicesClient(demo.Client);
        await services.CancelAsync(Jones, booked[0]);
        try
        {
            var (pages, _) = await PagesAsync<Booking>(Rivera, $"v1/bookings?practitioner={Rivera.Account}&status=cancelled&limit=1");

            var found = pages.SelectMany(p => p).ToList();
            Assert.All(found, b => Assert.Equal("cancelled", b.Status));
            Assert.Contains(found, b => b.Id == booked[0]);
            Assert.DoesNotContain(found, b => b.Id == booked[1] || b.Id == booked[2]);
        }
        finally
        {
            foreach (var id in booked.Skip(1)) await services.CancelAsync(Jones, id);
        }
    }

    [Fact]
    public async Task Prescriptions_MoreThanALimit_ComeInSeveralPages_ForThePatientAndThePrescriber()
    {
        var rx = new PrescriptionsClient(demo.Client);
        await new RecordsClient(demo.Client).GrantAsync(Jones, Rivera.Account.ToString(), null, "treatment", [], ["MedicationRequest"], DateTimeOffset.UtcNow.AddDays(30));
        var issued = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var order = new PrescriptionOrder(Jones.Account, new Medication("rxnorm", "29046", "lisinopril 10 mg"), "one tablet daily", 30, 1, TimeSpan.FromDays(30), 1);
            issued.Add((await rx.IssueAsync(Rivera, order, acknowledgeAlerts: true)).Id);
        }

        var (ofPatient, patientLastLinksNowhere) = await PagesAsync<Prescription>(Jones, $"v1/prescriptions?patient={Jones.Account}&limit=2");
        var (ofPrescriber, prescriberLastLinksNowhere) = await PagesAsync<Prescription>(Rivera, $"v1/prescriptions?prescriber={Rivera.Account}&limit=2");
        var fromSdk = await rx.As(Rivera).ListAsync(prescriber: Rivera.Account, pageSize: 2);

        foreach (var (pages, lastLinksNowhere) in new[] { (ofPatient, patientLastLinksNowhere), (ofPrescriber, prescriberLastLinksNowhere) })
        {
            var ids = pages.SelectMany(p => p).Select(p => p.Id).ToList();
            Assert.True(pages.Count >= 2, $"{ids.Count} prescriptions came in {pages.Count} page(s)");
            Assert.Equal(ids.Distinct().Count(), ids.Count);
            Assert.Subset(ids.ToHashSet(), issued.ToHashSet());
            Assert.True(lastLinksNowhere);
        }
        Assert.All(ofPrescriber.SelectMany(p => p), p => Assert.Equal(Rivera.Account, p.Prescriber));
        Assert.Equal(ofPrescriber.SelectMany(p => p).Select(p => p.Id).Order(StringComparer.Ordinal), fromSdk.Select(p => p.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("v1/bookings?patient={jones}&limit=0", "Bad limit")]
    [InlineData("v1/bookings?patient={jones}&limit=1001", "Bad limit")]
    [InlineData("v1/bookings?patient={jones}&limit=lots", "limit")]
    [InlineData("v1/bookings?patient={jones}&after=Not%20A%20Cursor", "Bad cursor")]
    [InlineData("v1/prescriptions?patient={jones}&limit=-5", "Bad limit")]
    [InlineData("v1/prescriptions?patient={jones}&after=..%2F..%2Fmembership", "Bad cursor")]
    public async Task Lists_BadLimitOrCursor_AreProblemDetails(string path, string title)
    {
        using var response = await demo.Http.SendAsync(await SignedHttp.Get(Jones, demo.Audience, path.Replace("{jones}", Jones.Account.ToString())));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(title, problem["title"]!.GetValue<string>() + " " + ProblemAssert.Detail(problem));
    }
}
