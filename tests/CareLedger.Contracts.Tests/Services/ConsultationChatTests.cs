using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Services.ServicesActions;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// A booking's chat (ADR 0019): its patient and practitioner add Communication records to the patient's records, the
/// practitioner reads them with no grant; nobody else writes or reads them, and a transcript needs both parties' consent.
/// </summary>
public sealed class ConsultationChatTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().WithoutEncounterGrants().Open();

    public ConsultationChatTests()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
    }

    public void Dispose() => _chain.Dispose();

    private (TxResult Result, string Record) Add(string author, string type = BookingRecords.MessageType, string? booking = "b1", string patient = "patient-jones")
    {
        var id = NewRecordId();
        var args = new CborMap
        {
            ["record"] = id, ["patient"] = _chain.Account(patient).ToString(), ["type"] = type, ["contentHash"] = Symptoms, ["keysHash"] = Symptoms,
        };
        if (booking is not null) args["booking"] = booking;
        return (_chain.Submit(author, "records", "add", args), id);
    }

    private bool CanRead(string reader, string record) => RecordAccess.CheckRead(_chain.View, record, _chain.Account(reader), _chain.Time).Allowed;

    [Fact]
    public void BothParties_WriteMessages_AndBothReadThem_WithNoGrant()
    {
        var (fromPatient, patientMessage) = Add("patient-jones");
        var (fromDoctor, doctorMessage) = Add("dr-rivera");

        Verdict.Valid(fromPatient);
        Verdict.Valid(fromDoctor);
        Assert.Equal("b1", Assert.Single(fromDoctor.Events).Attributes.GetText("booking"));
        foreach (var record in new[] { patientMessage, doctorMessage })
        {
            Assert.True(CanRead("patient-jones", record));
            Assert.True(CanRead("dr-rivera", record));
            Assert.Equal(_chain.Account("patient-jones"), _chain.Get(MedicalRecord.Key(record))!.Patient);
        }
        var listed = _chain.QueryAs<BookingRecordList>("dr-rivera", "records", "booking-records", new CborMap { ["booking"] = "b1" })!;
        Assert.Equal(new[] { patientMessage, doctorMessage }.Order(), listed.Records.Select(r => r.Record).Order());
    }

    [Fact]
    public void AStranger_OrAnotherPractitioner_NeitherWritesNorReadsNorListsThem()
    {
        var (_, message) = Add("patient-jones");

        Verdict.Refused(Add("dr-okafor").Result, "booking b1 is not yours");
        Verdict.Refused(Add("patient-lee").Result, "booking b1 is not yours");
        Verdict.Refused(Add("patient-lee", patient: "patient-lee").Result, "booking b1 is not yours");
        Verdict.Refused(Add("dr-rivera", booking: "nope").Result, "booking nope is not yours");
        Assert.False(CanRead("dr-okafor", message));
        Assert.False(CanRead("patient-lee", message));
        Assert.Null(_chain.QueryAs<BookingRecordList>("dr-okafor", "records", "booking-records", new CborMap { ["booking"] = "b1" }));
        Assert.Null(_chain.QueryAs<BookingRecordList>("patient-lee", "records", "booking-records", new CborMap { ["booking"] = "b1" }));
    }

    [Fact]
    public void TheBooking_GivesNothingMore_NoOtherType_NoOtherPatient_NoMessageWithoutABooking()
    {
        Verdict.Refused(Add("dr-rivera", type: "Condition").Result, "not Condition");
        Verdict.Refused(Add("dr-rivera", patient: "patient-lee").Result, "not this patient's");
        Verdict.Refused(Add("patient-jones", booking: null).Result, "belongs to a booking");
        var (_, own) = Add("patient-jones", type: "Observation", booking: null);
        Assert.False(CanRead("dr-rivera", own));
    }

    [Fact]
    public void AMessage_IsKeptAsWritten_NotEvenThePatientUpdatesIt()
    {
        var (_, message) = Add("dr-rivera");

        foreach (var who in new[] { "patient-jones", "dr-rivera" })
            Verdict.Refused(_chain.Submit(who, "records", "update", new CborMap { ["record"] = message, ["contentHash"] = Symptoms, ["keysHash"] = Symptoms }),
                "cannot be updated");
        Verdict.Valid(_chain.Submit("patient-jones", "records", "erase", new CborMap { ["record"] = message }));
    }

    [Fact]
    public void ABookingThatEnded_WithoutCare_TakesNoMoreMessages()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b2", Slot(1)));
        Verdict.Refused(Add("patient-jones", booking: "b2").Result, "is requested");
        Verdict.Valid(_chain.OnBooking("dr-rivera", "decline", "b2"));
        Verdict.Refused(Add("dr-rivera", booking: "b2").Result, "is declined");
    }

    [Fact]
    public void NoTranscript_WithoutBothConsents_ThenItsHashIsOnTheLedger()
    {
        Add("patient-jones");
        Verdict.Refused(Add("patient-jones", type: BookingRecords.TranscriptType).Result, "neither has consented");
        Verdict.Valid(_chain.OnBooking("patient-jones", "consent-transcript", "b1"));
        Verdict.Refused(_chain.OnBooking("patient-jones", "consent-transcript", "b1"), "already consented");
        Verdict.Refused(Add("patient-jones", type: BookingRecords.TranscriptType).Result, "the practitioner has not consented");
        Verdict.Refused(_chain.OnBooking("dr-okafor", "consent-transcript", "b1"), "not yours");

        Verdict.Valid(_chain.OnBooking("dr-rivera", "consent-transcript", "b1"));
        var (added, transcript) = Add("dr-rivera", type: BookingRecords.TranscriptType);
        Verdict.Valid(added);
        Verdict.Refused(_chain.OnBooking("dr-okafor", "record-transcript", "b1", new CborMap { ["record"] = transcript }), "not yours");
        Verdict.Valid(_chain.OnBooking("dr-rivera", "record-transcript", "b1", new CborMap { ["record"] = transcript }));

        var kept = _chain.QueryAs<Found<Transcript>>("patient-jones", "services", "transcript", new CborMap { ["booking"] = "b1" })!.Value!;
        Assert.Equal(transcript, kept.Record);
        Assert.Equal(_chain.Get(RecordVersion.Key(transcript, 1))!.ContentHash, kept.ContentHash);
        Verdict.Refused(Add("patient-jones", type: BookingRecords.TranscriptType).Result, "already stored");
    }

    [Fact]
    public void ATranscript_MustBeABundleOfThisBooking()
    {
        var (_, message) = Add("patient-jones");
        Verdict.Valid(_chain.OnBooking("patient-jones", "consent-transcript", "b1"));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "consent-transcript", "b1"));

        Verdict.Refused(_chain.OnBooking("patient-jones", "record-transcript", "b1", new CborMap { ["record"] = message }), "is a Communication");
        var (_, own) = Add("patient-jones", type: "Observation", booking: null);
        Verdict.Refused(_chain.OnBooking("patient-jones", "record-transcript", "b1", new CborMap { ["record"] = own }), "not a record of booking b1");
    }
}
