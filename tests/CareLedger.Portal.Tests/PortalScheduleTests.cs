using System.Globalization;
using CareLedger.Client.Licensing;
using CareLedger.Client.Services;
using CareLedger.Contracts.Services;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.ClinicTestKit;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// Dr. Rivera keeps her profile and calendar in the portal: she sees her licence as the ledger has it, republishes her
/// profile, offers a slot and withdraws another; the patient, in another browser, finds the offered slot and books it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalScheduleTests(BrowserFixture fx) : IDisposable
{
    private readonly ClinicTestKit _kit = new(fx);

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task DoctorPublishesHerProfileAndOffersASlot_ThePatientFindsItAndBooksIt_AndAWithdrawnSlotIsGone()
    {
        var rivera = _kit.Key("dr-rivera").Account;
        var licence = (await new LicensingClient(fx.Node.Client).VerifyAsync(rivera)).Licence!;
        var before = (await _kit.Services("dr-rivera").GetPractitionerAsync(rivera))!.Profile;
        // Three weeks ahead at 10:00 and 11:00 UTC: clear of the demo's slots (tomorrow) and of other tests' (within the hour).
        var day = DateTime.UtcNow.Date.AddDays(21);
        var kept = new DateTimeOffset(day.AddHours(10), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var withdrawn = new DateTimeOffset(day.AddHours(11), TimeSpan.Zero).ToUnixTimeMilliseconds();
        await using var doctorContext = await ContextAsync(fx);
        await using var patientContext = await ContextAsync(fx);

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await NavAsync(doctor, "Profile and schedule");
        var shown = doctor.GetByTestId("licence");
        await Assertions.Expect(shown).ToContainTextAsync(licence.Number, new() { Timeout = Slow });
        await Assertions.Expect(shown).ToContainTextAsync("National Medical Board");
        await Assertions.Expect(shown).ToContainTextAsync("Valid");
        await Assertions.Expect(doctor.GetByLabel("Languages you consult in")).ToHaveValueAsync(string.Join(", ", before.Languages));

        try
        {
            await doctor.GetByLabel("Languages you consult in").FillAsync("en, es, pt");
            await doctor.GetByLabel("Price of one consultation").FillAsync(before.Price.ToString(CultureInfo.InvariantCulture));
            await doctor.GetByRole(AriaRole.Button, new() { Name = "Publish the changes" }).ClickAsync();
            await Assertions.Expect(doctor.GetByTestId("profile-saved")).ToBeVisibleAsync(new() { Timeout = Slow });
            var after = (await _kit.Services("dr-rivera").GetPractitionerAsync(rivera))!.Profile;
            Assert.Equal(["en", "es", "pt"], after.Languages);
            Assert.Equal(before.Price, after.Price);

            foreach (var start in new[] { kept, withdrawn })
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(start).UtcDateTime;
                await doctor.GetByLabel("Day").FillAsync(at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                await doctor.GetByLabel("Starts at").FillAsync(at.ToString("HH:mm", CultureInfo.InvariantCulture));
                await doctor.GetByLabel("Lasts (minutes)").FillAsync("30");
                await doctor.GetByRole(AriaRole.Button, new() { Name = "Offer this slot" }).ClickAsync();
                await Assertions.Expect(doctor.Locator($"[data-slot='{start}']")).ToBeVisibleAsync(new() { Timeout = Slow });
            }
            await ScreenshotAsync(doctor, "doctor-schedule");
            await doctor.Locator($"[data-slot='{withdrawn}']").GetByRole(AriaRole.Button, new() { Name = "Withdraw" }).ClickAsync();
            await Assertions.Expect(doctor.Locator($"[data-slot='{withdrawn}']")).ToHaveCountAsync(0, new() { Timeout = Slow });
            var slots = (await _kit.Services("dr-rivera").GetPractitionerAsync(rivera))!.Slots;
            Assert.Contains(slots, s => s.Start == kept && s.End == kept + 30 * 60_000 && s.Free);
            Assert.DoesNotContain(slots, s => s.Start == withdrawn);

            var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
            await NavAsync(patient, "Find a doctor");
            var row = patient.GetByTestId("doctors").Locator("tr", new() { HasText = "Dr. Ana Rivera" });
            await Assertions.Expect(row.GetByTestId("licence")).ToContainTextAsync($"No. {licence.Number}, National Medical Board", new() { Timeout = Slow });
            await Assertions.Expect(row).ToContainTextAsync("en, es, pt");
            await row.GetByRole(AriaRole.Link, new() { Name = "Book Dr. Ana Rivera" }).ClickAsync();
            await Assertions.Expect(patient.Locator($"input[name=slot][value='{withdrawn}']")).ToHaveCountAsync(0, new() { Timeout = Slow });
            await patient.Locator($"input[name=slot][value='{kept}']").CheckAsync(new() { Timeout = Slow });
            await patient.GetByLabel("What brings you").FillAsync("A check-up before a long trip.");
            await patient.GetByRole(AriaRole.Button, new() { Name = "Book and pay" }).ClickAsync();
            await Assertions.Expect(patient.GetByRole(AriaRole.Heading, new() { Name = "My consultations" })).ToBeVisibleAsync(new() { Timeout = Slow });

            var booking = (await _kit.Services("patient-jones").ListBookingsAsync(patient: _kit.Key("patient-jones").Account)).Single(b => b.Start == kept);
            Assert.Equal((rivera, BookingStatus.Requested), (booking.Practitioner, booking.Status));
            await NavAsync(doctor, "Consultations");
            await NavAsync(doctor, "Profile and schedule");
            await doctor.GetByRole(AriaRole.Button, new() { Name = "Next week" }).ClickAsync(new() { Timeout = Slow }); // the page opens on this week
            for (var i = 0; i < 3 && await doctor.Locator($"[data-slot='{kept}']").CountAsync() == 0; i++)
                await doctor.GetByRole(AriaRole.Button, new() { Name = "Next week" }).ClickAsync();
            await Assertions.Expect(doctor.Locator($"[data-slot='{kept}']")).ToContainTextAsync("booked", new() { Timeout = Slow });
            await Assertions.Expect(doctor.Locator($"[data-slot='{kept}']").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        }
        finally
        {
            await _kit.Services("dr-rivera").PublishProfileAsync(_kit.Key("dr-rivera"),
                new ProfileOffer(before.Languages, before.Modes, before.Price, before.Asset, before.ReferralOnly, before.ResponseHours ?? 0));
        }
    }
}
