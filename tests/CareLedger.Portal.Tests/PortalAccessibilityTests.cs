using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// Every page of the portal, as each of its people sees it, checked by axe-core (WCAG 2.1 A and AA rules): no serious or
/// critical violation. Pages are reached by the app's own links, as a keyboard or mouse user would.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public class PortalAccessibilityTests(BrowserFixture fx)
{
    [Fact]
    public async Task SignedOutPages_HaveNoSeriousAccessibilityViolation()
    {
        await using var context = await fx.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" })).ToBeVisibleAsync(new() { Timeout = Slow });
        violations.AddRange(await CheckAsync(page, "sign in"));
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/keys").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your keys", Level = 1 })).ToBeVisibleAsync(new() { Timeout = Slow });
        violations.AddRange(await CheckAsync(page, "keys"));
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/join#i=00&k=broken").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync(new() { Timeout = Slow });
        violations.AddRange(await CheckAsync(page, "join (broken link)"));

        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("Sam Jones", new[] { "My records", "Add a record", "Trends", "Sharing", "Who read my records", "Find a doctor", "My consultations", "Consultation history", "My prescriptions", "Referrals", "Second opinions", "Wallet" })]
    [InlineData("Dr. Ana Rivera", new[] { "Profile and schedule", "Patients", "Opinion requests", "Consultations", "Consultation history", "Prescribe" })]
    [InlineData("Li Chen", new[] { "Dispense", "Notification settings", "Keys" })]
    [InlineData("Clinic administrator", new[] { "Members" })]
    [InlineData("Insurer administrator", new[] { "Insurance", "Wallet" })]
    [InlineData("Board registrar", new[] { "Licences", "Disputes" })]
    [InlineData("Agency auditor", new[] { "Chain audit" })]
    public async Task EachPersonsPages_HaveNoSeriousAccessibilityViolation(string persona, string[] links)
    {
        await using var context = await fx.Browser.NewContextAsync();
        var page = await SignInAsDemoAsync(fx, context, persona);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var violations = new List<string>(await CheckAsync(page, $"{persona}: home"));
        foreach (var link in links)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).First.ClickAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync(new() { Timeout = Slow });
            await page.WaitForTimeoutAsync(300); // pages finish loading their lists after the heading
            violations.AddRange(await CheckAsync(page, $"{persona}: {link}"));
        }
        Assert.Empty(violations);
    }

    [Fact]
    public async Task ThePatientChart_AndARecordWithVersions_HaveNoSeriousAccessibilityViolation()
    {
        using var kit = new ClinicTestKit(fx);
        var jones = kit.Key("patient-jones");
        var records = new CareLedger.Client.Records.RecordsClient(kit.As("patient-jones"));
        var record = (await records.AddAsync(jones, jones.Account, CareLedger.Portal.Records.NewResources.Condition(jones.Account.ToString(), "Hay fever", null))).Record;
        await records.UpdateAsync(jones, record, CareLedger.Portal.Records.NewResources.Condition(jones.Account.ToString(), "Hay fever, seasonal", null));
        await kit.GrantAsync("patient-jones", "dr-rivera", ["Condition"]);
        try { Assert.Empty(await ChartAndVersionsAsync(jones, record)); }
        finally { await kit.WithdrawGrantsAsync(); }
    }

    private async Task<List<string>> ChartAndVersionsAsync(CareLedger.Ledger.Cryptography.SigningKey jones, string record)
    {
        await using var doctorContext = await fx.Browser.NewContextAsync();
        await using var patientContext = await fx.Browser.NewContextAsync();
        var violations = new List<string>();

        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await doctor.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/chart/{jones.Account}").ToString());
        await Assertions.Expect(doctor.Locator("section[data-type='Condition']")).ToBeVisibleAsync(new() { Timeout = Slow });
        await doctor.WaitForLoadStateAsync(LoadState.NetworkIdle);
        violations.AddRange(await CheckAsync(doctor, "Dr. Ana Rivera: chart"));

        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await patient.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/records/{record}").ToString());
        await Assertions.Expect(patient.GetByTestId("versions")).ToBeVisibleAsync(new() { Timeout = Slow });
        violations.AddRange(await CheckAsync(patient, "Sam Jones: a record with versions"));
        return violations;
    }

    [Fact]
    public async Task TheConsultationRoom_WithItsDevicesAndGuests_HasNoSeriousAccessibilityViolation()
    {
        using var people = new DemoPeople(fx);
        var booking = await RoomBooking.AcceptedAsync(fx, people);
        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        await doctor.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{booking}").ToString());
        await patient.GotoAsync(new Uri(fx.Node.BaseAddress, $"portal/room/{booking}").ToString());
        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("share-screen")).ToBeVisibleAsync(new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByLabel("Microphone", new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = Slow });
        await doctor.WaitForTimeoutAsync(500); // the guest panel lists the staff after the room is up

        var violations = new List<string>(await CheckAsync(doctor, "Dr. Ana Rivera: room"));
        violations.AddRange(await CheckAsync(patient, "Sam Jones: room"));
        Assert.Empty(violations);
    }

    [Fact]
    public async Task ABookingsPhotosAndQuestionnaire_ForThePatientAndTheDoctor_HaveNoSeriousAccessibilityViolation()
    {
        using var people = new DemoPeople(fx);
        var id = "bk-a11y-" + Guid.NewGuid().ToString("N")[..12];
        await people.Services("patient-jones").BookAsync(people.Key("patient-jones"),
            new CareLedger.Client.Services.BookingRequest(id, people.Key("dr-rivera").Account.ToString(), 0, "async", new string('c', 64)));
        var records = new CareLedger.Client.Records.RecordsClient(fx.Node.Client.As(people.Key("patient-jones")));
        await new CareLedger.Client.Services.ConsultationAttachments(records, people.Services("patient-jones")).SendAsync(people.Key("patient-jones"), id,
            [new("spot.png", "image/png", TestPng.Create(16, 16, 90, 120, 200))]);
        await using var patientContext = await fx.Browser.NewContextAsync();
        await using var doctorContext = await fx.Browser.NewContextAsync();
        var violations = new List<string>();

        foreach (var (persona, context, link) in new[] { ("Sam Jones", patientContext, "My consultations"), ("Dr. Ana Rivera", doctorContext, "Consultations") })
        {
            var page = await SignInAsDemoAsync(fx, context, persona);
            await DemoPeople.NavAsync(page, link);
            var row = page.Locator($"tr[data-booking='{id}']");
            await row.GetByTestId("attachments-show").ClickAsync(new() { Timeout = Slow });
            await Assertions.Expect(row.GetByTestId("attachment-photo")).ToBeVisibleAsync(new() { Timeout = Slow });
            violations.AddRange(await CheckAsync(page, $"{persona}: {link} with a booking's photos"));
        }
        Assert.Empty(violations);
    }

    [Fact]
    public async Task ABookingsMessagesPage_HasNoSeriousAccessibilityViolation()
    {
        using var people = new DemoPeople(fx);
        var booking = await people.BookAsync();
        await people.Services("dr-rivera").AcceptAsync(people.Key("dr-rivera"), booking);
        var found = (await people.Services("patient-jones").GetBookingAsync(booking))!;
        await new CareLedger.Client.Services.ConsultationChat(fx.Node.Client).SendAsync(people.Key("dr-rivera"), found, "How are you feeling today?");
        await using var context = await fx.Browser.NewContextAsync();
        var page = await SignInAsDemoAsync(fx, context, "Sam Jones");

        await DemoPeople.NavAsync(page, "My consultations");
        await page.Locator($"tr[data-booking='{booking}']").GetByTestId("messages-link").ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(page.GetByTestId("chat-message")).ToHaveCountAsync(1, new() { Timeout = Slow });

        Assert.Empty(await CheckAsync(page, "Sam Jones: messages"));
    }

    [Fact]
    public async Task APatient_SignsInAndReachesTheirRecords_WithTheKeyboardAlone()
    {
        await using var context = await fx.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fx.Node.BaseAddress, "portal/").ToString());
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sam Jones" })).ToBeVisibleAsync(new() { Timeout = Slow });

        await TabToAsync(page, "Sam Jones");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("patient", new() { Timeout = Slow });
        await TabToAsync(page, "My records");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My records", Level = 1 })).ToBeVisibleAsync(new() { Timeout = Slow });
    }

    /// <summary>Presses Tab until the focused element's text starts with <paramref name="name"/>; fails if it never does.</summary>
    private static async Task TabToAsync(IPage page, string name)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<string>("() => (document.activeElement?.innerText ?? '').trim()");
            if (focused.StartsWith(name, StringComparison.Ordinal)) return;
        }
        Assert.Fail($"Tab never reached '{name}'");
    }

    /// <summary>
    /// Runs axe-core's WCAG 2.1 A and AA rules on the page as it is. Only violations are reported in full: axe then lists
    /// one element per passing or inapplicable rule instead of all of them (its documented <c>resultTypes</c> option),
    /// which saves serialising every node of every page to the test.
    /// </summary>
    private static async Task<IEnumerable<string>> CheckAsync(IPage page, string where)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
            ResultTypes = [ResultType.Violations],
        });
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}");
    }
}
