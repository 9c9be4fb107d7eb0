using CareLedger.Client.Records;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Fhir;
using CareLedger.Vault.Records;
using Hl7.Fhir.Model;

namespace CareLedger.Client.Services;

/// <summary>A file the patient picked: its name, its declared content type and its bytes.</summary>
public sealed record AttachmentFile(string Name, string ContentType, byte[] Data);

/// <summary>The patient's answers to the short questionnaire of an asynchronous consultation (or any booking).</summary>
public sealed record QuestionnaireAnswers(string Since, string Where, bool Itching, bool Pain, string Notes);

/// <summary>An attachment as its reader opened it: a photo or document (content type, title, bytes) or the questionnaire's answers.</summary>
public sealed record OpenedAttachment(string Record, string Type, string Title, string ContentType, long Size, byte[] Data, QuestionnaireAnswers? Answers)
{
    public bool IsPhoto => Type == ConsultationAttachments.PhotoType;
}

/// <summary>
/// Photos (FHIR Media), documents (DocumentReference) and a questionnaire (QuestionnaireResponse) a patient sends for a
/// booking (ADR 0020): each is encrypted here like any record, with the file inside the encrypted resource; one treatment
/// grant scoped to exactly those records lets the booking's practitioner read them, and services.attach ties them to the
/// booking. The node sees ciphertext and the ledger sees record ids and types only.
/// </summary>
public sealed class ConsultationAttachments(RecordsClient records, ServicesClient services)
{
    public const string PhotoType = "Media", DocumentType = "DocumentReference", QuestionnaireType = "QuestionnaireResponse";

    /// <summary>
    /// The largest file: its base64 inside the FHIR resource must stay within a record's limit
    /// (<see cref="RecordSealing.MaxResourceBytes"/>, 512 KiB), which leaves 360 KiB for the file.
    /// </summary>
    public const long MaxFileBytes = 360 * 1024;

    /// <summary>The questionnaire the answers belong to.</summary>
    public const string QuestionnaireUrl = "https://careledger.example/fhir/Questionnaire/skin-concern";

    /// <summary>Photos and documents accepted: JPEG, PNG and WebP photos, PDF documents.</summary>
    public static readonly IReadOnlyList<string> AllowedTypes = ["image/jpeg", "image/png", "image/webp", "application/pdf"];

    /// <summary>Why a file cannot be sent, in one sentence, or null; asked before reading or encrypting anything.</summary>
    public static string? Refusal(string contentType, long size) =>
        !AllowedTypes.Contains(contentType) ? $"a {(contentType.Length == 0 ? "file of unknown type" : contentType + " file")} cannot be sent: send a JPEG, PNG or WebP photo, or a PDF"
        : size > MaxFileBytes ? $"the file is {Kib(size)} KB; a photo or document may be at most {Kib(MaxFileBytes)} KB"
        : size == 0 ? "the file is empty"
        : null;

    /// <summary>Sends the files and the answers for a booking of the patient; returns the records attached.</summary>
    public async Task<IReadOnlyList<string>> SendAsync(IAccountKey patient, string bookingId, IReadOnlyList<AttachmentFile> files, QuestionnaireAnswers? answers = null,
        CancellationToken ct = default)
    {
        foreach (var file in files)
            if ((Refusal(file.ContentType, file.Data.Length) ?? (Looks(file) ? null : $"{file.Name} is not the {file.ContentType} file it says it is")) is { } problem)
                throw new RecordException(problem);
        if (files.Count == 0 && answers is null) throw new RecordException("choose a photo or document to send");
        var booking = await services.As(patient).GetBookingAsync(bookingId, ct) ?? throw new RecordException($"no booking {bookingId}");
        if (booking.Patient != patient.Account) throw new RecordException($"booking {bookingId} is not yours");

        var resources = files.Select(f => Resource(patient.Account, bookingId, f)).ToList();
        if (answers is not null) resources.Add(FhirResources.ToJson(Questionnaire(patient.Account, answers)));
        var added = new List<string>();
        foreach (var json in resources) added.Add((await records.AddAsync(patient, patient.Account, json, ct: ct)).Record);
        var until = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(booking.End, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).AddDays(30);
        var grant = await records.GrantAsync(patient, booking.Practitioner.ToString(), null, "treatment", added, [], until, ct);
        await services.AttachAsync(patient, bookingId, added, grant, ct);
        return added;
    }

    /// <summary>The booking's attachments the reader can open (its patient, and its practitioner through the patient's grant), oldest first.</summary>
    public async Task<IReadOnlyList<OpenedAttachment>> ReadAsync(IAccountKey reader, string bookingId, CancellationToken ct = default)
    {
        var opened = new List<OpenedAttachment>();
        foreach (var attachment in (await services.As(reader).GetAttachmentsAsync(bookingId, ct)).OrderBy(a => a.Added).ThenBy(a => a.Record, StringComparer.Ordinal))
        {
            var (_, json) = await records.ReadAsync(reader, attachment.Record, ct: ct);
            if (Open(attachment.Record, FhirResources.Parse(json).Resource) is { } one) opened.Add(one);
        }
        return opened;
    }

    private static string Resource(AccountId patient, string bookingId, AttachmentFile file)
    {
        var content = new Attachment { ContentType = file.ContentType, Data = file.Data, Title = Title(file.Name), SizeUnsignedInt = file.Data.Length };
        var subject = new ResourceReference($"Patient/{patient}");
        var note = $"Sent for booking {bookingId}";
        Resource resource = file.ContentType.StartsWith("image/", StringComparison.Ordinal)
            ? new Media
            {
                Status = EventStatus.Completed, Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/media-type", "image"),
                Subject = subject, Content = content, Note = [new Annotation { Text = new Markdown(note) }],
            }
            : new DocumentReference
            {
                Status = DocumentReferenceStatus.Current, Type = new CodeableConcept { Text = "Document sent by the patient" },
                Subject = subject, Description = note, Content = [new DocumentReference.ContentComponent { Attachment = content }],
            };
        return FhirResources.ToJson(resource);
    }

    private static QuestionnaireResponse Questionnaire(AccountId patient, QuestionnaireAnswers answers) => new()
    {
        Questionnaire = QuestionnaireUrl,
        Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
        Subject = new ResourceReference($"Patient/{patient}"),
        Item =
        [
            Text("since", "Since when?", answers.Since), Text("where", "Where on the body?", answers.Where),
            Flag("itching", "Does it itch?", answers.Itching), Flag("pain", "Does it hurt?", answers.Pain), Text("notes", "Anything else?", answers.Notes),
        ],
    };

    private static QuestionnaireResponse.ItemComponent Text(string id, string question, string answer) => new()
    {
        LinkId = id, Text = question, Answer = answer.Trim().Length == 0 ? [] : [new() { Value = new FhirString(answer.Trim()) }],
    };

    private static QuestionnaireResponse.ItemComponent Flag(string id, string question, bool answer) => new()
    {
        LinkId = id, Text = question, Answer = [new() { Value = new FhirBoolean(answer) }],
    };

    private static OpenedAttachment? Open(string record, Resource? resource) => resource switch
    {
        Media { Content: { } c } => Opened(record, PhotoType, c),
        DocumentReference d when d.Content.FirstOrDefault()?.Attachment is { } c => Opened(record, DocumentType, c),
        QuestionnaireResponse q => new OpenedAttachment(record, QuestionnaireType, "", "", 0, [], new QuestionnaireAnswers(
            Answer(q, "since"), Answer(q, "where"), Answer(q, "itching") == "true", Answer(q, "pain") == "true", Answer(q, "notes"))),
        _ => null,
    };

    private static OpenedAttachment Opened(string record, string type, Attachment c) =>
        new(record, type, c.Title ?? "", c.ContentType ?? "", c.Data?.Length ?? 0, c.Data ?? [], null);

    private static string Answer(QuestionnaireResponse q, string id) =>
        q.Item.FirstOrDefault(i => i.LinkId == id)?.Answer.FirstOrDefault()?.Value switch
        {
            FhirString s => s.Value ?? "",
            FhirBoolean b => b.Value == true ? "true" : "false",
            _ => "",
        };

    /// <summary>Whether the bytes begin as the declared type's files do, so a renamed file is refused rather than shown as what it is not.</summary>
    private static bool Looks(AttachmentFile file)
    {
        ReadOnlySpan<byte> d = file.Data;
        return file.ContentType switch
        {
            "image/jpeg" => d.StartsWith((byte[])[0xFF, 0xD8, 0xFF]),
            "image/png" => d.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            "image/webp" => d.Length >= 12 && d[..4].SequenceEqual("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8),
            "application/pdf" => d.StartsWith("%PDF-"u8),
            _ => false,
        };
    }

    private static string Title(string name) => name.Length <= 200 ? name : name[..200];

    private static long Kib(long bytes) => (bytes + 1023) / 1024;
}
