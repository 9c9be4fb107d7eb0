using CareLedger.Client.Membership;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using QRCoder;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// An organisation admin invites a new patient with a link and QR code; the patient opens the link in their own browser,
/// makes a key there, joins, records a measurement and shares it with Dr. Rivera, who reads it.
/// </summary>
[Collection(PortalCollection.Name)]
public class PortalEnrolmentTests(BrowserFixture fx)
{
    [Fact]
    public async Task AnInvitedPatient_EnrolsInTheBrowser_AddsARecord_AndSharesItWithTheirDoctor()
    {
        await using var adminContext = await fx.Browser.NewContextAsync();
        var admin = await SignInAsDemoAsync(fx, adminContext, "Clinic administrator");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Members" }).ClickAsync();
        await admin.GetByLabel("As", new() { Exact = true }).SelectOptionAsync("patient");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        var linkText = await admin.GetByTestId("invitation-link").InnerTextAsync(new() { Timeout = Slow });
        await ScreenshotAsync(admin, "admin-invitation");

        // The QR code is the link itself; and the link's key is only in its fragment, which no server receives.
        Assert.Equal(QrSource(linkText), await admin.GetByTestId("qr").GetAttributeAsync("src"));
        var uri = new Uri(linkText);
        var link = InvitationLink.Parse(uri.Fragment)!;
        Assert.DoesNotContain("k=", uri.GetLeftPart(UriPartial.Query));
        using (var oneTime = SigningKey.FromPkcs8(link.OneTimeKey))
            Assert.Equal(oneTime.PublicKey, (await new MembershipClient(fx.Node.Client).GetInvitationAsync(link.Invitation))!.PublicKey);

        await using var patientContext = await fx.Browser.NewContextAsync();
        var sent = new List<IRequest>();
        patientContext.Request += (_, r) => { lock (sent) sent.Add(r); };
        var patient = await patientContext.NewPageAsync();
        await patient.GotoAsync(linkText);
        await Assertions.Expect(patient.GetByTestId("invitation-offer")).ToContainTextAsync("City Clinic invites you to join as patient", new() { Timeout = Slow });
        await patient.GetByLabel("Key name").FillAsync("newcomer");
        await patient.GetByLabel("Passphrase (at least 8 characters)").FillAsync("correct horse");
        await patient.GetByLabel("The passphrase again").FillAsync("correct horse");
        await ScreenshotAsync(patient, "join");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Create my key and join" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("signed-in-as")).ToHaveTextAsync("patient", new() { Timeout = Slow });
        IRequest[] sentSoFar;
        lock (sent) sentSoFar = [.. sent]; // the page may still be sending (the event adds on another thread)
        Assert.DoesNotContain(sentSoFar, r => r.Url.Contains("k=") || (r.PostData ?? "").Contains(uri.Fragment[1..]));

        var newcomer = await patient.EvaluateAsync<string>("() => location.href");
        Assert.DoesNotContain("#", newcomer); // the link, key and all, is gone from the address bar
        await patient.GetByRole(AriaRole.Link, new() { Name = "Add one" }).ClickAsync();
        await patient.GetByLabel("Value", new() { Exact = true }).FillAsync("64");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Save record" }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("fhir-view")).ToContainTextAsync("64 beats per minute", new() { Timeout = Slow });
        await patient.GetByRole(AriaRole.Link, new() { Name = "Sharing" }).ClickAsync();
        await patient.GetByLabel("With", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Dr. Ana Rivera (practitioner)" });
        await patient.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true }).ClickAsync();
        await Assertions.Expect(patient.GetByTestId("grants").Locator("tr", new() { HasText = "in force" })).ToHaveCountAsync(1, new() { Timeout = Slow });

        var account = (await new MembershipClient(fx.Node.Client).GetInvitationAsync(link.Invitation))!.UsedBy;
        await using var doctorContext = await fx.Browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await doctor.GetByRole(AriaRole.Link, new() { Name = "Patients" }).ClickAsync();
        await doctor.GetByLabel("Patient's account").FillAsync(account);
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Show records shared with me" }).ClickAsync();
        await doctor.GetByTestId("shared-records").GetByRole(AriaRole.Link, new() { Name = "Open" }).First.ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(doctor.GetByTestId("fhir-view")).ToContainTextAsync("64 beats per minute", new() { Timeout = Slow });

        // The link is spent: opened again, it says so in one sentence.
        var again = await (await fx.Browser.NewContextAsync()).NewPageAsync();
        await again.GotoAsync(linkText);
        await Assertions.Expect(again.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This invitation was already used: ask for a new one.", new() { Timeout = Slow });
    }

    private static string QrSource(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(8));
    }
}
