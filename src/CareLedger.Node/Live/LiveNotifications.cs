using System.Threading.Channels;
using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.SignalR;

namespace CareLedger.Node.Live;

/// <summary>
/// Turns the events of committed blocks into notices for the people they concern and pushes them to their open portals
/// (<see cref="LiveHub"/>). Ordering only queues the block; the notices are worked out and sent off the ordering path.
/// A person who is not connected misses the notice, not the fact: every page reads the ledger when it opens.
/// </summary>
public sealed class LiveNotifications(LedgerReader ledger, IHubContext<LiveHub> hub, ILogger<LiveNotifications> log) : BackgroundService, INodeStartup
{
    private readonly Channel<Block> _blocks = Channel.CreateBounded<Block>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });

    public void BeforeOrdering(LedgerChain chain) => chain.BlockCommitted += block => _blocks.Writer.TryWrite(block);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var block in _blocks.Reader.ReadAllAsync(stoppingToken))
        {
            foreach (var (account, notice) in NoticesOf(block))
            {
                try
                {
                    await hub.Clients.Group(LiveHub.Group(account)).SendAsync("notice", notice, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("A live notice of kind {Kind} could not be sent: {Error}", notice.Kind, e.Message);
                }
            }
        }
    }

    /// <summary>Who hears what of a block: one notice per person an event concerns.</summary>
    public IEnumerable<(AccountId To, LiveNotice Notice)> NoticesOf(Block block)
    {
        var time = block.Header.Time;
        foreach (var result in block.Results.Where(r => r.Valid))
        {
            foreach (var e in result.Events)
            {
                var notice = Notice(e, time);
                if (notice is { } n) yield return n;
            }
        }
    }

    private (AccountId, LiveNotice)? Notice(ContractEvent e, long time)
    {
        var a = e.Attributes;
        switch (e.Contract, e.Name)
        {
            case ("services", "Booked") when Booking(a) is { } b:
                return (b.Practitioner, new(LiveNotice.BookingRequested, "consultations", time, false, About(("booking", b.Id))));
            case ("services", "BookingAccepted") when Booking(a) is { } b:
                return (b.Patient, new(LiveNotice.BookingAccepted, "bookings", time, false, About(("booking", b.Id), ("by", NameOf(b.Practitioner)))));
            case ("services", "BookingDeclined") when Booking(a) is { } b:
                return (b.Patient, new(LiveNotice.BookingDeclined, "bookings", time, false, About(("booking", b.Id), ("by", NameOf(b.Practitioner)))));
            case ("services", "ConsultationCompleted") when Booking(a) is { } b:
                return (b.Patient, new(LiveNotice.ConsultationCompleted, "bookings", time, false, About(("booking", b.Id), ("by", NameOf(b.Practitioner)))));
            case ("services", "TranscriptConsented") when Booking(a) is { } b:
                return (a.TryGetText("role") == "patient" ? b.Practitioner : b.Patient,
                    new(LiveNotice.TranscriptConsented, "history", time, false, About(("booking", b.Id))));
            case ("records", "BreakGlassAccess") when Account(a, "patient") is { } patient && Account(a, "reader") is { } reader:
                return (patient, new(LiveNotice.BreakGlass, "access-log", time, true, About(("by", NameOf(reader)), ("record", a.TryGetText("record") ?? ""))));
            case ("records", "ConsentGranted") when Account(a, "to") is { } grantee:
                return (grantee, new(LiveNotice.SharedWithYou, "patients", time, false, About(("grant", a.TryGetText("grant") ?? ""))));
            case ("records", "RecordAdded") when Booking(a) is { } b && Account(a, "author") is { } author:
                return (author == b.Patient ? b.Practitioner : b.Patient,
                    new(LiveNotice.Message, $"messages/{b.Id}", time, false, About(("booking", b.Id), ("record", a.TryGetText("record") ?? ""), ("type", a.TryGetText("type") ?? ""))));
            case ("records", "RecordAdded") when Account(a, "patient") is { } patient && Account(a, "author") is { } author && author != patient:
                return (patient, new(LiveNotice.RecordAdded, "records", time, false, About(("by", NameOf(author)), ("record", a.TryGetText("record") ?? ""))));
            case ("prescriptions", "Dispensed") when a.TryGetText("prescription") is { } id && ledger.State.Get(Prescription.Key(id)) is { } rx:
                return (rx.Patient, new(LiveNotice.Dispensed, "prescriptions", time, false, About(("prescription", id), ("pharmacy", a.TryGetText("pharmacy") ?? ""))));
            default:
                return null;
        }
    }

    private Booking? Booking(CborMap attributes) =>
        attributes.TryGetText("booking") is { } id ? ledger.State.Get(Contracts.Services.Booking.Key(id)) : null;

    /// <summary>An account named by an event, if it is one (a grant to an organisation names no account).</summary>
    private static AccountId? Account(CborMap attributes, string name) =>
        attributes.TryGetText(name) is { } text && AccountId.TryParse(text, out var account) ? account : null;

    /// <summary>A member's public name (practitioners, pharmacists and staff have one; patients' names are not on the ledger).</summary>
    private string NameOf(AccountId account) => ledger.FindMember(account)?.Name ?? "";

    private static IReadOnlyDictionary<string, string> About(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);
}
