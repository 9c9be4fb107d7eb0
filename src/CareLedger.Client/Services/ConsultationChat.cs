using System.Globalization;
using System.Text.Json.Nodes;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Wire;
using CareLedger.Vault.Records;

namespace CareLedger.Client.Services;

/// <summary>A chat message as its reader sees it, decrypted on their side.</summary>
public sealed record ChatMessage(string Record, AccountId Sender, DateTimeOffset Sent, string Text);

/// <summary>
/// The chat of a booking between its patient and practitioner, end to end encrypted (ADR 0019): each message is a FHIR
/// Communication record in the patient's records, encrypted here for the two of them; the node stores and relays
/// ciphertext only, and logs every read in the patient's access log. With both parties' consent the conversation is kept
/// as a transcript (a Bundle record) whose hash the ledger keeps with the consultation.
/// </summary>
public sealed class ConsultationChat(NodeClient node)
{
    public const int MaxText = 4_000;
    public const string BookingSystem = "https://careledger.org/fhir/booking";

    private readonly RecordsClient _records = new(node);

    /// <summary>Encrypts and stores one message from <paramref name="sender"/>, a party to the booking.</summary>
    public async Task<ChatMessage> SendAsync(IAccountKey sender, Booking booking, string text, CancellationToken ct = default)
    {
        text = text.Trim();
        if (text.Length == 0) throw new RecordException("a message needs some text");
        if (text.Length > MaxText) throw new RecordException($"a message holds at most {MaxText} characters");
        var sent = DateTimeOffset.UtcNow;
        var added = await _records.AddToBookingAsync(sender, booking, Communication(booking, sender.Account, sent, text).ToJsonString(), ct);
        return new ChatMessage(added.Record, sender.Account, sent, text);
    }

    /// <summary>The booking's records (messages and transcript) as the ledger lists them, oldest first: ids only, nothing to decrypt yet.</summary>
    public async Task<IReadOnlyList<BookingRecordEntry>> ListAsync(IAccountKey party, string booking, CancellationToken ct = default)
    {
        var all = await node.As(party).QueryAllAsync<BookingRecordList, BookingRecordEntry>("records", "booking-records", new CborMap { ["booking"] = booking }, ct: ct)
            .ToListAsync(ct);
        return [.. all.OrderBy(e => e.Created).ThenBy(e => e.Record, StringComparer.Ordinal)];
    }

    /// <summary>Fetches and decrypts one message (the read is logged in the patient's access log).</summary>
    public async Task<ChatMessage> ReadAsync(IAccountKey reader, string record, CancellationToken ct = default)
    {
        var (_, json) = await _records.ReadAsync(reader, record, ct: ct);
        return Parse(record, JsonNode.Parse(json)!);
    }

    /// <summary>
    /// The whole conversation, oldest first: the messages in <paramref name="known"/> as they are, the others fetched and decrypted
    /// (and added to it), so that a page reads each message once.
    /// </summary>
    public async Task<IReadOnlyList<ChatMessage>> ConversationAsync(IAccountKey reader, string booking, IDictionary<string, ChatMessage> known, CancellationToken ct = default)
    {
        var messages = new List<ChatMessage>();
        foreach (var entry in (await ListAsync(reader, booking, ct)).Where(e => e.Type == BookingRecords.MessageType))
        {
            if (!known.TryGetValue(entry.Record, out var message)) known[entry.Record] = message = await ReadAsync(reader, entry.Record, ct);
            messages.Add(message);
        }
        return messages;
    }

    /// <summary>Signs the party's consent that the chat be kept as a transcript.</summary>
    public Task<ReceiptDto> ConsentToTranscriptAsync(IAccountKey party, string booking, CancellationToken ct = default) =>
        SendAsync(party, "consent-transcript", new CborMap { ["booking"] = booking }, ct);

    /// <summary>Who consented to the transcript, and the transcript's record and hash once stored; null when nobody has consented.</summary>
    public async Task<Transcript?> GetTranscriptAsync(IAccountKey party, string booking, CancellationToken ct = default) =>
        (await node.As(party).QueryAsync<Found<Transcript>>("services", "transcript", new CborMap { ["booking"] = booking }, ct)).Value;

    /// <summary>
    /// Once both parties consented: reads the whole conversation, stores it as a FHIR Bundle record of the booking (encrypted
    /// for both parties) and records it, so that the ledger pins its hash with the consultation.
    /// </summary>
    public async Task<(AddedRecord Record, ReceiptDto Receipt)> StoreTranscriptAsync(IAccountKey party, Booking booking, CancellationToken ct = default)
    {
        if (Transcript.Refusal(await GetTranscriptAsync(party, booking.Id, ct)) is { } notYet) throw new ServicesException("record-transcript", notYet);
        var messages = await ConversationAsync(party, booking.Id, new Dictionary<string, ChatMessage>(), ct);
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["identifier"] = new JsonObject { ["system"] = BookingSystem, ["value"] = booking.Id },
            ["type"] = "collection",
            ["timestamp"] = Iso(DateTimeOffset.UtcNow),
            ["entry"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["resource"] = Communication(booking, m.Sender, m.Sent, m.Text) })]),
        };
        var added = await _records.AddToBookingAsync(party, booking, bundle.ToJsonString(), ct);
        return (added, await SendAsync(party, "record-transcript", new CborMap { ["booking"] = booking.Id, ["record"] = added.Record }, ct));
    }

    /// <summary>The messages a transcript record holds, oldest first.</summary>
    public async Task<IReadOnlyList<ChatMessage>> ReadTranscriptAsync(IAccountKey reader, string record, CancellationToken ct = default)
    {
        var (_, json) = await _records.ReadAsync(reader, record, ct: ct);
        return [.. (JsonNode.Parse(json)!["entry"]?.AsArray() ?? []).Select(e => Parse(record, e!["resource"]!))];
    }

    /// <summary>A FHIR R4 Communication: subject the patient, based on and in the booking, from the sender to the other party.</summary>
    public static JsonObject Communication(Booking booking, AccountId sender, DateTimeOffset sent, string text)
    {
        var (from, to) = sender == booking.Patient ? ($"Patient/{booking.Patient}", $"Practitioner/{booking.Practitioner}") : ($"Practitioner/{booking.Practitioner}", $"Patient/{booking.Patient}");
        return new JsonObject
        {
            ["resourceType"] = "Communication",
            ["basedOn"] = new JsonArray(Booking(booking.Id)),
            ["status"] = "completed",
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{booking.Patient}" },
            ["encounter"] = Booking(booking.Id),
            ["sent"] = Iso(sent),
            ["recipient"] = new JsonArray(new JsonObject { ["reference"] = to }),
            ["sender"] = new JsonObject { ["reference"] = from },
            ["payload"] = new JsonArray(new JsonObject { ["contentString"] = text }),
        };
    }

    private static JsonObject Booking(string id) => new() { ["identifier"] = new JsonObject { ["system"] = BookingSystem, ["value"] = id } };

    private static ChatMessage Parse(string record, JsonNode communication)
    {
        var sender = communication["sender"]?["reference"]?.GetValue<string>() ?? "";
        var sent = DateTimeOffset.Parse(communication["sent"]?.GetValue<string>() ?? "1970-01-01T00:00:00Z", CultureInfo.InvariantCulture);
        var text = communication["payload"]?[0]?["contentString"]?.GetValue<string>() ?? "";
        return new ChatMessage(record, AccountId.Parse(sender[(sender.IndexOf('/') + 1)..]), sent, text);
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private async Task<ReceiptDto> SendAsync(IAccountKey key, string action, CborMap args, CancellationToken ct)
    {
        var sent = await node.SendAsync(key, "services", action, args, ct);
        if (sent.Receipt is not { } receipt) throw new ServicesException(action, $"transaction {sent.Id} is still pending; follow it with its receipt");
        if (receipt.Valid != true) throw new ServicesException(action, receipt.Reason ?? "refused", receipt.TxId);
        return receipt;
    }
}
