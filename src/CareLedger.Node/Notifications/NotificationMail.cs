using System.Threading.Channels;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Node.Chain;
using CareLedger.Node.Live;
using Microsoft.Extensions.Options;

namespace CareLedger.Node.Notifications;

/// <summary>
/// E-mail from committed blocks (ADR 0018), off the ordering path: the notices <see cref="LiveNotifications"/> derives
/// (the same rules, not a copy of them) for members who chose them, and a reminder before each accepted booking's slot to
/// both parties, once each. The reminders come from <see cref="ReminderIndex"/>, rebuilt from state at start and followed
/// block by block. Does nothing while <see cref="MailOptions.Host"/> is empty.
/// </summary>
public sealed class NotificationMail(LiveNotifications live, LedgerReader ledger, ReminderIndex reminders, MailOutbox outbox, Lazy<PreferenceStore> preferences,
    IOptions<MailOptions> options, TimeProvider clock, ILogger<NotificationMail> log) : BackgroundService, INodeStartup
{
    private readonly Channel<Block> _blocks = Channel.CreateBounded<Block>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly MailOptions _mail = options.Value;
    /// <summary>Reminders handed to the outbox in this run, so that a slow server does not get them twice.</summary>
    private readonly HashSet<(string, Ledger.Cryptography.AccountId)> _posted = [];

    public void BeforeOrdering(LedgerChain chain)
    {
        if (!_mail.Enabled) return;
        chain.BlockCommitted += block => _blocks.Writer.TryWrite(block);
        reminders.Rebuild(ledger.State);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_mail.Enabled) return;
        log.LogInformation("E-mail notices go through {Host}:{Port}", _mail.Host, _mail.Port);
        await Task.WhenAll(FollowBlocksAsync(stoppingToken), RemindAsync(stoppingToken), outbox.RunAsync(stoppingToken));
    }

    private async Task FollowBlocksAsync(CancellationToken ct)
    {
        await foreach (var block in _blocks.Reader.ReadAllAsync(ct))
        {
            try
            {
                reminders.Follow(block, ledger.State);
                foreach (var (to, notice) in live.NoticesOf(block))
                {
                    var booking = notice.About.GetValueOrDefault("booking") is { Length: > 0 } id ? ledger.State.Get(Booking.Key(id)) : null;
                    if (Letter.Of(to, notice, booking, _mail.PortalUrl) is { } letter) outbox.Post(letter);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("The mail notices of block {Height} were not worked out: {Error}", block.Header.Height, e.Message);
            }
        }
    }

    private async Task RemindAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_mail.ReminderCheckSeconds), clock);
        do
        {
            try
            {
                PostDueReminders(clock.GetUtcNow().ToUnixTimeMilliseconds());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Due reminders could not be worked out: {Error}", e.Message);
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    private void PostDueReminders(long now)
    {
        foreach (var booking in reminders.Upcoming(now))
        {
            foreach (var party in new[] { booking.Patient, booking.Practitioner })
            {
                if (_posted.Contains((booking.Id, party)) || preferences.Value.WasReminded(booking.Id, party)) continue;
                var chosen = preferences.Value.Get(party);
                if (!chosen.Mails || !chosen.Reminders || now < booking.Start - chosen.ReminderMinutes * 60_000L) continue;
                _posted.Add((booking.Id, party));
                outbox.Post(Letter.Reminder(party, booking, ledger.FindMember(booking.Practitioner)?.Name ?? "", _mail.PortalUrl));
            }
        }
    }
}
