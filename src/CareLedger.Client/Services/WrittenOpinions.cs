using CareLedger.Vault.Records;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Fhir;
using Hl7.Fhir.Model;

namespace CareLedger.Client.Services;

/// <summary>
/// A second opinion travels as a record: a DocumentReference the practitioner writes for the
/// patient (their second-opinion grant allows exactly that), encrypted for the patient and the
/// author. The case on the ledger holds its ciphertext hash, which pays the opinion's fee.
/// </summary>
public sealed class WrittenOpinions(RecordsClient records, ServicesClient services)
{
    /// <summary>The record type the records contract lets a second-opinion grantee write.</summary>
    public const string OpinionType = "DocumentReference";

    public async Task<(string Record, ReceiptDto Receipt)> SubmitAsync(IAccountKey practitioner, string caseId, string opinion, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(opinion)) throw new RecordException("the opinion is empty");
        var @case = await services.As(practitioner).GetCaseAsync(caseId, ct) ?? throw new RecordException($"no case {caseId}");
        var document = new DocumentReference
        {
            Status = DocumentReferenceStatus.Current,
            Type = new CodeableConcept { Text = "Second opinion" },
            Subject = new ResourceReference($"Patient/{@case.Patient}"),
            Description = $"Second opinion for case {caseId}",
            Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { ContentType = "text/plain", Data = System.Text.Encoding.UTF8.GetBytes(opinion.Trim()) } }],
        };
        var added = await records.AddAsync(practitioner, @case.Patient, FhirResources.ToJson(document), ct: ct);
        return (added.Record, await services.SubmitOpinionAsync(practitioner, caseId, added.ContentHash, ct));
    }

    /// <summary>The opinions of a case the reader can open (the patient can open all of them): practitioner → text.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(IAccountKey reader, string caseId, CancellationToken ct = default)
    {
        var @case = await services.As(reader).GetCaseAsync(caseId, ct) ?? throw new RecordException($"no case {caseId}");
        var hashes = @case.Opinions.ToDictionary(o => o.Value.ContentHash, o => o.Key);
        var texts = new Dictionary<string, string>();
        foreach (var r in await records.ListAsync(reader, @case.Patient, ct))
        {
            if (r.Type != OpinionType || r.Versions.FirstOrDefault(v => hashes.ContainsKey(v.ContentHash)) is not { } v) continue;
            var (_, json) = await records.ReadAsync(reader, r.Record, v.Version, ct: ct);
            var data = (FhirResources.Parse(json).Resource as DocumentReference)?.Content.FirstOrDefault()?.Attachment?.Data;
            if (data is not null) texts[hashes[v.ContentHash]] = System.Text.Encoding.UTF8.GetString(data);
        }
        return texts;
    }
}
