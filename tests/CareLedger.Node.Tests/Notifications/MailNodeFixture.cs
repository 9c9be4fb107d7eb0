using CareLedger.Client.Api;
using CareLedger.Client.Notifications;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Notifications;

/// <summary>A demo node that mails through a real SMTP server (aiosmtpd) started first, looking for due reminders every second.</summary>
public sealed class MailNodeFixture : IAsyncLifetime
{
    public const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private InProcessNode? _node;
    private DemoKeys? _keys;
    private static int _slot;

    public SmtpServer Smtp { get; } = new();
    public InProcessNode Node => _node ?? throw new InvalidOperationException("the node has not started");
    public NodeClient Client => Node.Client;
    public DemoKeys Keys => _keys ?? throw new InvalidOperationException("the node has not started");
    public NotificationsClient Notifications => new(Client);
    public ServicesClient Services => new(Client);

    public async Task InitializeAsync()
    {
        await Smtp.StartAsync();
        _node = await InProcessNode.StartAsync("--CareLedger:Mail:Host=127.0.0.1", $"--CareLedger:Mail:Port={Smtp.Port}", "--CareLedger:Mail:Security=None",
            "--CareLedger:Mail:ReminderCheckSeconds=1", "--CareLedger:Mail:MaxRetrySeconds=2", "--CareLedger:Mail:PortalUrl=http://portal.test/portal/");
        await _node.Client.WaitUntilIdleAsync();
        _keys = new DemoKeys(_node.DataDir);
    }

    /// <summary>
    /// A booking of Dr. Rivera's by the demo patient in a five-minute slot of its own starting about <paramref name="inMinutes"/>
    /// from now (each call a later one), accepted unless said otherwise.
    /// </summary>
    public async Task<(string Id, long Slot)> BookAsync(int inMinutes, bool accept = true)
    {
        var doctor = Keys["dr-rivera"];
        var slot = (DateTimeOffset.UtcNow.AddMinutes(inMinutes).ToUnixTimeMilliseconds() / 60_000 + 5 * Interlocked.Increment(ref _slot)) * 60_000;
        var booking = "mail-" + Guid.NewGuid().ToString("N")[..12];
        await Services.AddSlotsAsync(doctor, [slot], 5);
        await Services.BookAsync(Keys["patient-jones"], new BookingRequest(booking, doctor.Account.ToString(), slot, "video", Symptoms));
        if (accept) await Services.AcceptAsync(doctor, booking);
        return (booking, slot);
    }

    public static string NewAddress(string who) => $"{who}-{Guid.NewGuid().ToString("N")[..8]}@example.org";

    public async Task DisposeAsync()
    {
        _keys?.Dispose();
        if (_node is not null) await _node.DisposeAsync();
        Smtp.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class MailNodeCollection : ICollectionFixture<MailNodeFixture>
{
    public const string Name = "mail node";
}
