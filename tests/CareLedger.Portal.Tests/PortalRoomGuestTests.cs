using System.Security.Cryptography;
using CareLedger.Client.Membership;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using Microsoft.Playwright;
using static CareLedger.Portal.Tests.PortalPage;

namespace CareLedger.Portal.Tests;

/// <summary>
/// A third participant: Dr. Rivera invites Li Chen into the consultation as a specialist (services.invite, signed in her
/// browser); the room refuses Li Chen until Sam Jones, the patient, lets her join (services.admit, signed in his); then
/// the three see and hear each other, each receiving both others' video.
/// </summary>
[Collection(PortalMediaCollection.Name)]
public sealed class PortalRoomGuestTests(BrowserFixture fx) : IDisposable
{
    private readonly DemoPeople _people = new(fx);

    public void Dispose() => _people.Dispose();

    private string RoomUrl(string booking) => new Uri(fx.Node.BaseAddress, $"portal/room/{booking}").ToString();

    [Fact]
    public async Task AnInvitedSpecialist_IsRefusedUntilThePatientConsents_ThenAllThreeReceiveEachOther()
    {
        var booking = await RoomBooking.AcceptedAsync(fx, _people);
        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        await using var patientContext = await browser.NewContextAsync();
        await using var guestContext = await browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        var patient = await SignInAsDemoAsync(fx, patientContext, "Sam Jones");
        var guest = await SignInAsDemoAsync(fx, guestContext, "Li Chen");
        await doctor.GotoAsync(RoomUrl(booking));
        await patient.GotoAsync(RoomUrl(booking));
        await Assertions.Expect(patient.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });

        // Not invited: the room refuses in one sentence.
        await guest.GotoAsync(RoomUrl(booking));
        await Assertions.Expect(guest.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "This room is only for the consultation's patient and practitioner, and the guests the patient admitted.", new() { Timeout = Slow });

        // Invited by the doctor, not yet admitted by the patient: still refused, and told why.
        await doctor.GetByLabel("Who").SelectOptionAsync(new SelectOptionValue { Label = "Li Chen (corner-pharmacy)" }, new() { Timeout = Slow });
        await doctor.GetByLabel("As").SelectOptionAsync("specialist");
        await doctor.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Assertions.Expect(doctor.GetByTestId("guests")).ToContainTextAsync("waiting for the patient's consent", new() { Timeout = Slow });
        await guest.GetByTestId("join-again").ClickAsync();
        await Assertions.Expect(guest.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "The patient has not yet agreed to let you join: they admit you from their room, then you can try again.", new() { Timeout = Slow });

        // The patient consents in the room; then the specialist gets in.
        await patient.GetByRole(AriaRole.Button, new() { Name = "Let them join" }).ClickAsync(new() { Timeout = Slow });
        await Assertions.Expect(patient.GetByTestId("guests")).ToContainTextAsync("admitted by the patient", new() { Timeout = Slow });
        await guest.GetByTestId("join-again").ClickAsync();
        await Assertions.Expect(guest.GetByTestId("room-state")).ToHaveTextAsync("In the consultation", new() { Timeout = Slow });

        foreach (var (who, page) in new[] { ("doctor", doctor), ("patient", patient), ("specialist", guest) })
        {
            var received = await RoomMedia.ReceivingAsync(page, from: 2);
            Assert.True(received.Decoding == 2 && received.AudioPackets > 0, $"the {who} receives {received}");
        }
        await ScreenshotAsync(patient, "room-three");

        var services = new ServicesClient(fx.Node.Client.As(_people.Key("patient-jones")));
        var attendance = await services.GetAttendanceAsync(booking);
        for (var i = 0; i < 100 && attendance.Entries.Count < 3; i++)
        {
            await Task.Delay(100);
            attendance = await services.GetAttendanceAsync(booking);
        }
        Assert.Contains("specialist joined", attendance.Entries.Select(e => $"{e.Role} {e.Event}"));
    }

    /// <summary>
    /// A family member is no staff member the form can list: the doctor types the account they read out from their own
    /// Keys page (a patient of the consortium, enrolled by invitation); a mistyped one is refused in one sentence, and
    /// nothing is invited.
    /// </summary>
    [Fact]
    public async Task TheDoctorInvitesAFamilyMemberByTheirAccount_AndAMistypedAccountIsRefusedInOneSentence()
    {
        var membership = new MembershipClient(fx.Node.Client);
        using var oneTime = SigningKey.Generate();
        var invitation = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await membership.InviteAsync(_people.Key("clinic-admin"), invitation, oneTime.PublicKey, "patient", DateTimeOffset.UtcNow.AddDays(1));
        using var relative = SigningKey.Generate();
        await membership.AcceptInvitationAsync(relative, invitation, oneTime);
        var booking = await RoomBooking.AcceptedAsync(fx, _people);
        var browser = await fx.MediaBrowserAsync();
        await using var doctorContext = await browser.NewContextAsync();
        var doctor = await SignInAsDemoAsync(fx, doctorContext, "Dr. Ana Rivera");
        await doctor.GotoAsync(RoomUrl(booking));
        var invite = doctor.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true });

        await doctor.GetByTestId("guest-account").FillAsync(relative.Account.ToString()[..40], new() { Timeout = Slow });
        await invite.ClickAsync();
        await Assertions.Expect(doctor.Locator(".room-guests [role=alert]")).ToHaveTextAsync(
            "That is not an account: it is 64 letters and digits, as the Keys page shows it.", new() { Timeout = Slow });
        Assert.Empty((await new ServicesClient(fx.Node.Client.As(_people.Key("dr-rivera"))).GetGuestsAsync(booking)).People);

        await doctor.GetByTestId("guest-account").FillAsync(relative.Account.ToString());
        await doctor.GetByLabel("As").SelectOptionAsync("family");
        await invite.ClickAsync();
        await Assertions.Expect(doctor.GetByTestId("guests")).ToContainTextAsync("waiting for the patient's consent", new() { Timeout = Slow });
        var guest = Assert.Single((await new ServicesClient(fx.Node.Client.As(_people.Key("dr-rivera"))).GetGuestsAsync(booking)).People);
        Assert.Equal((relative.Account, "family", 0L), (guest.Account, guest.Role, guest.Admitted));
    }
}
