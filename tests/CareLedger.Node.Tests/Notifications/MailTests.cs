using CareLedger.Client.Notifications;
using Letter = CareLedger.Node.Notifications.Letter;
using PreferenceStore = CareLedger.Node.Notifications.PreferenceStore;
using MimeKit;

namespace CareLedger.Node.Tests.Notifications;

/// <summary>
/// E-mail from a real demo node to a real SMTP server (aiosmtpd): booking changes to members who chose them and nobody
/// else, a consultation reminder once per party, no patient's name or clinical text in any mail, and a server that is
/// down for a while losing nothing.
/// </summary>
[Collection(MailNodeCollection.Name)]
public sealed class MailTests(MailNodeFixture fx)
{
    private static string Body(MimeMessage m) => m.TextBody ?? "";
    private static string Text(MimeMessage m) => m.Subject + "\n" + Body(m);

    [Fact]
    public async Task ABookingAccepted_MailsThePatientWhoOptedIn_OnceWithTheSlotTime_AndNothingToTheDoctorWhoDidNot()
    {
        var patientAddress = MailNodeFixture.NewAddress("patient");
        await fx.Notifications.SetAsync(fx.Keys["patient-jones"], new NotificationPreferences(patientAddress, Reminders: false));
        await fx.Notifications.ForgetAsync(fx.Keys["dr-rivera"]);

        var (booking, slot) = await fx.BookAsync(inMinutes: 20 * 24 * 60);
        var mail = await fx.Smtp.WaitForAsync(patientAddress, m => Body(m).Contains(booking));
        await Task.Delay(1500);

        Assert.Equal("CareLedger: Your consultation was accepted", mail.Subject);
        Assert.Contains(Letter.Time(slot), Body(mail));
        Assert.Contains("Dr. Ana Rivera", Body(mail));
        Assert.Contains("http://portal.test/portal/bookings", Body(mail));
        Assert.DoesNotContain("Sam Jones", Text(mail));
        Assert.DoesNotContain(MailNodeFixture.Symptoms, Text(mail));
        Assert.Single(fx.Smtp.To(patientAddress), m => Body(m).Contains(booking));
        Assert.DoesNotContain(fx.Smtp.Messages, m => (m.Subject ?? "").Contains("requested") && Body(m).Contains(booking));
    }

    [Fact]
    public async Task AnAcceptedBookingWithinTheLeadTime_RemindsEachPartyOnce_AndTheReminderIsRemembered()
    {
        var (patientAddress, doctorAddress) = (MailNodeFixture.NewAddress("patient"), MailNodeFixture.NewAddress("doctor"));
        await fx.Notifications.SetAsync(fx.Keys["patient-jones"], new NotificationPreferences(patientAddress, Bookings: false, ReminderMinutes: 120));
        await fx.Notifications.SetAsync(fx.Keys["dr-rivera"], new NotificationPreferences(doctorAddress, Bookings: false, ReminderMinutes: 120));

        var (booking, slot) = await fx.BookAsync(inMinutes: 30);
        var toPatient = await fx.Smtp.WaitForAsync(patientAddress, m => Body(m).Contains(booking));
        var toDoctor = await fx.Smtp.WaitForAsync(doctorAddress, m => Body(m).Contains(booking));
        await Task.Delay(3500); // three more looks at the reminder index

        Assert.Equal($"CareLedger: Consultation at {Letter.Time(slot)}", toPatient.Subject);
        Assert.Contains("with Dr. Ana Rivera", Body(toPatient));
        Assert.Contains($"http://portal.test/portal/room/{booking}", Body(toDoctor));
        Assert.DoesNotContain("Sam Jones", Text(toDoctor));
        Assert.DoesNotContain(MailNodeFixture.Symptoms, Text(toDoctor));
        Assert.Single(fx.Smtp.To(patientAddress), m => Body(m).Contains(booking));
        Assert.Single(fx.Smtp.To(doctorAddress), m => Body(m).Contains(booking));
        var sent = fx.Node.Service<PreferenceStore>();
        Assert.True(sent.WasReminded(booking, fx.Keys["patient-jones"].Account) && sent.WasReminded(booking, fx.Keys["dr-rivera"].Account));
        Assert.Contains($"{booking} {fx.Keys["dr-rivera"].Account}", await File.ReadAllTextAsync(Path.Combine(fx.Node.DataDir, "notifications", "reminders-sent")));
    }

    [Fact]
    public async Task ABreakGlassRead_MailsThePatientAtOnce_NamingTheReaderButNeitherTheReasonNorTheRecordsContent()
    {
        var address = MailNodeFixture.NewAddress("patient");
        await fx.Notifications.SetAsync(fx.Keys["patient-jones"], new NotificationPreferences(address, Bookings: false, Reminders: false));
        var records = new CareLedger.Client.Records.RecordsClient(fx.Client);
        var added = await records.AddAsync(fx.Keys["patient-jones"], fx.Keys["patient-jones"].Account,
            """{"resourceType":"Observation","status":"final","code":{"text":"pulse"},"valueQuantity":{"value":71,"unit":"/min"}}""");

        await records.ReadAsync(fx.Keys["dr-rivera"], added.Record, breakGlassReason: "found unconscious");
        var mail = await fx.Smtp.WaitForAsync(address, m => (m.Subject ?? "").Contains("emergency"));

        Assert.Equal("CareLedger: Your record was read in an emergency", mail.Subject);
        Assert.Contains("Dr. Ana Rivera read one of your records in an emergency (break-glass)", Body(mail));
        Assert.Contains("http://portal.test/portal/access-log", Body(mail));
        Assert.DoesNotContain("unconscious", Text(mail));
        Assert.DoesNotContain("pulse", Text(mail));
        Assert.DoesNotContain("Sam Jones", Text(mail));
    }

    [Fact]
    public async Task ABookingFarAhead_GetsNoReminderYet_AndAQuietMemberGetsNoMail()
    {
        var address = MailNodeFixture.NewAddress("quiet");
        await fx.Notifications.SetAsync(fx.Keys["patient-jones"], new NotificationPreferences(address, ReminderMinutes: 60, Quiet: true));
        await fx.Notifications.SetAsync(fx.Keys["dr-rivera"], new NotificationPreferences(MailNodeFixture.NewAddress("doctor"), Bookings: false, ReminderMinutes: 60));

        var (booking, _) = await fx.BookAsync(inMinutes: 6 * 60);
        await Task.Delay(3000);

        Assert.Empty(fx.Smtp.To(address));
        Assert.DoesNotContain(fx.Smtp.Messages, m => Body(m).Contains(booking));
    }

    [Fact]
    public async Task WhileTheMailServerIsDown_TheNodeLogsTheAccountNotTheAddress_AndSendsOnceItIsBack()
    {
        var address = MailNodeFixture.NewAddress("patient");
        await fx.Notifications.SetAsync(fx.Keys["patient-jones"], new NotificationPreferences(address, Reminders: false));
        fx.Smtp.Stop();
        try
        {
            var (booking, _) = await fx.BookAsync(inMinutes: 21 * 24 * 60);
            var until = DateTime.UtcNow.AddSeconds(20);
            while (!fx.Node.Logs.Entries.Any(e => e.Message.Contains("could not be sent")) && DateTime.UtcNow < until) await Task.Delay(50);
            await fx.Smtp.StartAsync();

            await fx.Smtp.WaitForAsync(address, m => Body(m).Contains(booking));
        }
        finally
        {
            await fx.Smtp.StartAsync();
        }

        var failures = fx.Node.Logs.Entries.Where(e => e.Message.Contains("could not be sent")).ToList();
        Assert.NotEmpty(failures);
        Assert.Contains(failures, e => e.Message.Contains(fx.Keys["patient-jones"].Account.ToString()));
        Assert.DoesNotContain(fx.Node.Logs.Entries, e => e.Message.Contains(address, StringComparison.OrdinalIgnoreCase));
    }
}
