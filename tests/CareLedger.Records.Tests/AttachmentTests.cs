using System.Net;
using System.Text;
using CareLedger.Client.Api;
using CareLedger.Client.Services;
using CareLedger.Contracts.Services;
using CareLedger.Vault.Records;

namespace CareLedger.Records.Tests;

/// <summary>
/// Photos, documents and questionnaires sent for a booking (ADR 0020) travel like any record: the node's vault holds
/// ciphertext only, and the patient and the booking's practitioner are the only ones who open them.
/// </summary>
public sealed class AttachmentTests(DemoPeople p) : IClassFixture<DemoPeople>
{
    private const string Marker = "careledger-photo-marker-4711";

    /// <summary>A PNG signature followed by a recognisable text: enough for the type check, and findable in any plaintext copy.</summary>
    private static byte[] Photo() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.ASCII.GetBytes("IHDR" + Marker)];

    private async Task<string> BookAsyncConsultationAsync()
    {
        var services = new ServicesClient(p.Node.Client);
        var shared = await new SymptomStatements(p.Records).ShareAsync(p.Patient, p.Doctor.Account, "A red patch on the forearm.", DateTimeOffset.UtcNow.AddDays(30));
        var id = "att-" + Guid.NewGuid().ToString("N")[..10];
        await services.BookAsync(p.Patient, new BookingRequest(id, p.Doctor.Account.ToString(), 0, ConsultationModes.Async, shared.ContentHash));
        return id;
    }

    private ConsultationAttachments Attachments => new(p.Records, new ServicesClient(p.Node.Client));

    [Fact]
    public async Task Attachments_AtTheNode_AreCiphertext_AndOnlyThePatientAndTheBookingsPractitionerOpenThem()
    {
        var booking = await BookAsyncConsultationAsync();
        var answers = new QuestionnaireAnswers("three weeks", "left forearm", Itching: true, Pain: false, "worse after " + Marker);

        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% a letter from the GP " + Marker + "\n%%EOF\n");
        var records = await Attachments.SendAsync(p.Patient, booking,
            [new AttachmentFile("forearm.png", "image/png", Photo()), new AttachmentFile("letter.pdf", "application/pdf", pdf)], answers);

        Assert.Equal(3, records.Count);
        var vault = Path.Combine(p.Node.DataDir, "vault");
        foreach (var file in Directory.EnumerateFiles(vault, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(Marker, Encoding.ASCII.GetString(await File.ReadAllBytesAsync(file)));
        foreach (var reader in new[] { p.Patient, p.Doctor })
        {
            var opened = await Attachments.ReadAsync(reader, booking);
            var photo = Assert.Single(opened, a => a.IsPhoto);
            Assert.Equal(Photo(), photo.Data);
            Assert.Equal(("forearm.png", "image/png"), (photo.Title, photo.ContentType));
            Assert.Equal(answers, Assert.Single(opened, a => a.Answers is not null).Answers);
            var document = Assert.Single(opened, a => a.Type == ConsultationAttachments.DocumentType);
            Assert.Equal(("letter.pdf", "application/pdf", pdf.Length), (document.Title, document.ContentType, document.Data.Length));
        }
        foreach (var outsider in new[] { p.Pharmacist, p.ClinicAdmin, p.BoardAdmin })
            foreach (var record in records)
            {
                var refused = await Assert.ThrowsAsync<NodeApiException>(() => p.Records.ReadAsync(outsider, record));
                Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
            }
    }

    [Theory]
    [InlineData("notes.txt", "text/plain", 10, "cannot be sent")]
    [InlineData("huge.png", "image/png", ConsultationAttachments.MaxFileBytes + 1, "may be at most 360 KB")]
    [InlineData("fake.png", "image/png", 100, "is not the image/png file it says it is")]
    public async Task Send_AFileOfAnotherTypeTooLargeOrNotWhatItSays_IsRefusedBeforeAnythingIsWritten(string name, string type, long size, string reason)
    {
        var booking = await BookAsyncConsultationAsync();
        var before = (await p.Records.ListAsync(p.Patient)).Count;

        var refused = await Assert.ThrowsAsync<RecordException>(() => Attachments.SendAsync(p.Patient, booking, [new AttachmentFile(name, type, new byte[size])]));

        Assert.Contains(reason, refused.Message);
        Assert.Equal(before, (await p.Records.ListAsync(p.Patient)).Count);
        Assert.Empty(await new ServicesClient(p.Node.Client.As(p.Patient)).GetAttachmentsAsync(booking));
    }
}
