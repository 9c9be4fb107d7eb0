using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using CareLedger.Node.Notifications;
using CareLedger.Testing;

namespace CareLedger.Node.Tests.Notifications;

/// <summary>The preferences store across a restart: what was set and which reminders went out are there again, and only under the node's passphrase.</summary>
public sealed class PreferenceStoreTests
{
    [Fact]
    public void AStoreReopenedWithThePassphrase_ReadsThePreferences_AndRemembersTheReminders_AnotherPassphraseCannotOpenIt()
    {
        using var data = new TempFolder();
        var start = new NodeStart(data.Path, Path.Combine(data.Path, "genesis.json"), Consortium: false, Demo: true);
        var account = AccountId.Parse(new string('a', 64));
        var preferences = new NotificationPreferences("sam@example.org", Bookings: false, ReminderMinutes: 30);
        using (var keys = new NodeKeys(data.Path, "first passphrase"))
        {
            var store = new PreferenceStore(start, keys);
            store.Put(account, preferences);
            store.MarkReminded("booking-1", account);
        }

        using var sameKeys = new NodeKeys(data.Path, "first passphrase");
        var reopened = new PreferenceStore(start, sameKeys);
        Directory.CreateDirectory(Path.Combine(data.Path, "elsewhere"));
        using var otherKeys = new NodeKeys(Path.Combine(data.Path, "elsewhere"), "another passphrase");

        Assert.Equal(preferences, reopened.Get(account));
        Assert.True(reopened.WasReminded("booking-1", account));
        Assert.False(reopened.WasReminded("booking-2", account));
        var refused = Assert.Throws<InvalidOperationException>(() => new PreferenceStore(start, otherKeys));
        Assert.Contains("does not open with this node's passphrase", refused.Message);
    }
}
