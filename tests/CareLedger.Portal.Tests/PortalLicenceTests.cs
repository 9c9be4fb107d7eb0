using CareLedger.Client.Licensing;
using CareLedger.Client.Membership;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Records;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// The medical board in the portal licenses a practitioner the clinic has just registered, who can then prescribe; it revokes
/// the licence, and their next prescription is refused.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalLicenceTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);
    private readonly SigningKey _newDoctor = SigningKey.Generate();

    public void Dispose()
    {
        _newDoctor.Dispose();
        _people.Dispose();
    }

    private Task<IssuedPrescription> PrescribeAsync() =>
        new PrescriptionsClient(fx.Node.Client.As(_newDoctor)).IssueAsync(_newDoctor, new PrescriptionOrder(_people.Key("patient-jones").Account,
            new Medication("rxnorm", "10582", "levothyroxine"), "one tablet each morning", 28, 1, TimeSpan.FromDays(30), 1), acknowledgeAlerts: true);

    [Fact]
    public async Task BoardLicensesANewPractitioner_WhoCanPrescribe_ThenRevokesIt_AndTheirPrescribingIsRefused()
    {
        var name = "Dr. Test " + Guid.NewGuid().ToString("N")[..6];
        var patient = _people.Key("patient-jones");
        await new MembershipClient(fx.Node.Client).RegisterAsync(_people.Key("clinic-admin"), _newDoctor.Account, Roles.Practitioner, name);
        await new RecordsClient(fx.Node.Client.As(_newDoctor)).PublishKeyAsync(_newDoctor);
        await new RecordsClient(fx.Node.Client.As(patient)).GrantAsync(patient, _newDoctor.Account.ToString(), null, "treatment", [],
            ["AllergyIntolerance", "MedicationStatement", "MedicationRequest"], DateTimeOffset.UtcNow.AddDays(1));
        var licensing = new LicensingClient(fx.Node.Client);
        Assert.False((await licensing.VerifyAsync(_newDoctor.Account)).Valid);
        await using var context = await fx.Browser.NewContextAsync();
        var board = await SignInAsDemoAsync(fx, context, "Board registrar");

        await DemoPeople.NavAsync(board, "Licences");
        await Assertions.Expect(board.GetByTestId("licences")).ToContainTextAsync("Dr. Ana Rivera", new() { Timeout = Slow });
        await board.GetByLabel("Practitioner or pharmacist").FillAsync(_newDoctor.Account.ToString());
        await board.GetByLabel("Specialty").FillAsync("dermatology");
        await board.GetByRole(AriaRole.Button, new() { Name = "Issue licence" }).ClickAsync();
        var row = board.Locator($"tr[data-practitioner='{_newDoctor.Account}']");
        await Assertions.Expect(row.GetByTestId("standing")).ToHaveTextAsync("Valid", new() { Timeout = Slow });
        await Assertions.Expect(row).ToContainTextAsync(name);
        await Assertions.Expect(row).ToContainTextAsync("Dermatology");
        var issued = await licensing.VerifyAsync(_newDoctor.Account);
        Assert.True(issued.Valid, issued.Reason);
        Assert.Equal(("dermatology", "EU-DEMO", "medical-board"), (issued.Licence!.Specialty, issued.Licence.Jurisdiction, issued.Licence.Issuer));
        Assert.NotNull((await PrescribeAsync()).Id);

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke…" }).ClickAsync();
        await row.GetByLabel("Reason").FillAsync("registration withdrawn");
        await ScreenshotAsync(board, "board-licences");
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke the licence" }).ClickAsync();

        await Assertions.Expect(row.GetByTestId("standing")).ToContainTextAsync("Revoked", new() { Timeout = Slow });
        await Assertions.Expect(row.GetByTestId("standing")).ToContainTextAsync("registration withdrawn");
        var revoked = await licensing.VerifyAsync(_newDoctor.Account);
        Assert.False(revoked.Valid);
        Assert.Equal("licence was revoked: registration withdrawn", revoked.Reason);
        var refused = await Assert.ThrowsAsync<PrescriptionException>(PrescribeAsync);
        Assert.Contains("unlicensed prescriber: licence was revoked: registration withdrawn", refused.Message);
    }
}
