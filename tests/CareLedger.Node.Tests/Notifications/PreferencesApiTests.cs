using System.Net;
using System.Text;
using CareLedger.Client.Api;
using CareLedger.Client.Notifications;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Node.Tests.Notifications;

/// <summary>
/// /v1/notifications/preferences: each member reads and sets only their own, signed; the node keeps them encrypted (the
/// address is nowhere in its data folder in clear) and forgets them on DELETE; a bad address or an oversized body is a problem.
/// </summary>
[Collection(MailNodeCollection.Name)]
public sealed class PreferencesApiTests(MailNodeFixture fx)
{
    [Fact]
    public async Task AMembersPreferences_AreReadBackByThemOnly_StoredEncrypted_AndForgottenOnDelete()
    {
        var pharmacist = fx.Keys["pharmacist-chen"];
        var address = MailNodeFixture.NewAddress("chen");
        var set = await fx.Notifications.SetAsync(pharmacist, new NotificationPreferences(address, BreakGlass: false, ReminderMinutes: 45));

        var readBack = await fx.Notifications.GetAsync(pharmacist);
        var asAnother = await fx.Notifications.GetAsync(fx.Keys["dr-rivera"]);
        using var anonymous = await fx.Client.Http.GetAsync(NotificationsClient.Path.TrimStart('/'));
        using var stranger = SigningKey.Generate();
        var outsider = await Assert.ThrowsAsync<NodeApiException>(() => fx.Notifications.GetAsync(stranger));
        var inClear = Directory.EnumerateFiles(fx.Node.DataDir, "*", SearchOption.AllDirectories)
            .Where(f => ContainsBytes(f, Encoding.UTF8.GetBytes(address))).ToList();
        var file = Path.Combine(fx.Node.DataDir, "notifications", "preferences", pharmacist.Account + ".bin");
        var existedBefore = File.Exists(file);
        await fx.Notifications.ForgetAsync(pharmacist);
        var afterDelete = await fx.Notifications.GetAsync(pharmacist);

        Assert.Equal(set, readBack);
        Assert.Equal((address, false, 45), (readBack.Email, readBack.BreakGlass, readBack.ReminderMinutes));
        Assert.NotEqual(address, asAnother.Email);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, outsider.Status);
        Assert.Empty(inClear);
        Assert.True(existedBefore);
        Assert.False(File.Exists(file));
        Assert.Null(afterDelete.Email);
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("two@example.org, three@example.org")]
    [InlineData("Sam <sam@example.org>")]
    [InlineData("sam@example.org\r\nBcc: all@example.org")]
    public async Task AMalformedAddress_IsA400Problem_AndChangesNothing(string email)
    {
        var patient = fx.Keys["patient-jones"];
        var before = await fx.Notifications.GetAsync(patient);

        var bad = await Assert.ThrowsAsync<NodeApiException>(() => fx.Notifications.SetAsync(patient, new NotificationPreferences(email)));

        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("Bad preferences", bad.Title);
        Assert.Contains("email is one address", bad.Detail);
        Assert.Equal(before, await fx.Notifications.GetAsync(patient));
    }

    [Fact]
    public async Task ALeadTimeOutOfRange_IsA400_AndAnOversizedBody_IsA413Problem()
    {
        var patient = fx.Keys["patient-jones"];

        var lead = await Assert.ThrowsAsync<NodeApiException>(() => fx.Notifications.SetAsync(patient, new NotificationPreferences(null, ReminderMinutes: 1)));
        using var oversized = await fx.Client.SendSignedAsync(a => SignedHttp.Put(patient, a, NotificationsClient.Path,
            new { email = "sam@example.org", padding = new string('x', 5000) }));
        var problem = await oversized.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, lead.Status);
        Assert.Contains("reminderMinutes", lead.Detail);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Contains("Request too large", problem);
    }

    private static bool ContainsBytes(string path, byte[] needle)
    {
        try
        {
            return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
