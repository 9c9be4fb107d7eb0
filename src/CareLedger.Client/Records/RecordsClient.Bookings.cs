using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Vault.Records;

namespace CareLedger.Client.Records;

/// <summary>A booking's records (ADR 0019): messages and the transcript, in the patient's records, readable by the booking's two parties.</summary>
public sealed partial class RecordsClient
{
    /// <summary>
    /// Adds a record that belongs to the booking (a Communication, or the transcript Bundle), encrypted here under a fresh
    /// data key wrapped for the patient and the practitioner only (each key checked against its account); no emergency copy.
    /// </summary>
    public async Task<AddedRecord> AddToBookingAsync(IAccountKey author, Booking booking, string fhirJson, CancellationToken ct = default)
    {
        var keys = new List<(AccountId, byte[])>();
        foreach (var reader in new[] { booking.Patient, booking.Practitioner }) keys.Add((reader, await PublicKeyAsync(reader, ct)));
        var sealedVersion = await RecordSealing.SealNewAsync(node.Crypto, RecordSealing.NewRecordId(), fhirJson, keys);
        var sent = Check(await node.SendAsync(author, Contract, "add", new CborMap
        {
            ["record"] = sealedVersion.Record, ["patient"] = booking.Patient.ToString(), ["type"] = sealedVersion.Type,
            ["contentHash"] = sealedVersion.ContentHash.ToString(), ["keysHash"] = sealedVersion.Keys.Hash().ToString(), ["booking"] = booking.Id,
        }, ct));
        await UploadAsync(author, sealedVersion, ct);
        return new AddedRecord(sealedVersion.Record, sent.Id, sealedVersion.ContentHash.ToString(), []);
    }
}
