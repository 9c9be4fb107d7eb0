using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Client.Notifications;

/// <summary>
/// What a member wants by e-mail (the node's <c>/v1/notifications/preferences</c>, ADR 0018): an address (null for none),
/// which notices (booking changes, consultation reminders, break-glass alerts), the reminder's lead time in minutes, and
/// a quiet switch that stops every mail while keeping the choices.
/// </summary>
public sealed record NotificationPreferences(
    string? Email, bool Bookings = true, bool Reminders = true, bool BreakGlass = true, int ReminderMinutes = 60, bool Quiet = false);

/// <summary>A member's own notification preferences, kept by the node they use (never on the ledger); every call is signed by the member.</summary>
public sealed class NotificationsClient(NodeClient node)
{
    public const string Path = "/v1/notifications/preferences";

    public async Task<NotificationPreferences> GetAsync(IAccountKey member, CancellationToken ct = default)
    {
        using var response = await node.SendSignedAsync(a => SignedHttp.Get(member, a, Path), ct);
        return await NodeClient.ReadAsync<NotificationPreferences>(response, ct);
    }

    /// <summary>Sets them; a malformed address or lead time is a <see cref="NodeApiException"/> (400) with the node's reason.</summary>
    public async Task<NotificationPreferences> SetAsync(IAccountKey member, NotificationPreferences preferences, CancellationToken ct = default)
    {
        using var response = await node.SendSignedAsync(a => SignedHttp.Put(member, a, Path, preferences), ct);
        return await NodeClient.ReadAsync<NotificationPreferences>(response, ct);
    }

    /// <summary>Has the node forget them, address and all.</summary>
    public async Task ForgetAsync(IAccountKey member, CancellationToken ct = default)
    {
        using var response = await node.SendSignedAsync(a => SignedHttp.Delete(member, a, Path), ct);
        if (!response.IsSuccessStatusCode) await NodeClient.ReadAsync<object>(response, ct);
    }
}
