using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesActions;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// A booking implies what its consultation needs: once the consultation has started, the practitioner may add one kind
/// of record for the patient, the Encounter that summarises it, with no grant from the patient. Nothing more: no other
/// type, no update, not before the consultation starts, not after it completed, not for another patient or practitioner.
/// </summary>
public sealed class SummaryWriteTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().WithoutEncounterGrants().Open();

    public SummaryWriteTests()
    {
        Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "accept", "b1"));
    }

    public void Dispose() => _chain.Dispose();

    private TxResult Add(string author, string patient, string type, string? record = null) => _chain.Submit(author, "records", "add", new CborMap
    {
        ["record"] = record ?? NewRecordId(), ["patient"] = _chain.Account(patient).ToString(), ["type"] = type, ["contentHash"] = Symptoms,
        ["keysHash"] = Symptoms,
    });

    private void StartAndEnd()
    {
        _chain.AdvanceTo(Slot(0));
        Verdict.Valid(_chain.OnBooking("dr-rivera", "start-consultation", "b1"));
        _chain.Advance(20 * 60_000);
        Verdict.Valid(_chain.OnBooking("dr-rivera", "end-consultation", "b1"));
    }

    [Fact]
    public void WithoutAGrant_TheDoctorOfAHeldConsultation_WritesItsSummary_AndCompletes()
    {
        StartAndEnd();

        var summary = _chain.AddEncounter("dr-rivera", "patient-jones");

        Verdict.Valid(_chain.OnBooking("dr-rivera", "complete", "b1", new CborMap { ["summary"] = summary }));
        Assert.Equal(BookingStatus.Completed, _chain.Status("b1"));
    }

    [Fact]
    public void AnAcceptedBooking_NotYetStarted_GivesNoRightToWrite() =>
        Verdict.Refused(Add("dr-rivera", "patient-jones", "Encounter"), "no treatment grant");

    [Fact]
    public void AHeldConsultation_GivesNoRightToWriteOtherTypes()
    {
        StartAndEnd();

        Verdict.Refused(Add("dr-rivera", "patient-jones", "Condition"), "no treatment grant");
        Verdict.Refused(Add("dr-rivera", "patient-jones", "MedicationRequest"), "no treatment grant");
    }

    [Fact]
    public void AHeldConsultation_GivesNothingToOtherPractitioners_OrForOtherPatients()
    {
        StartAndEnd();

        Verdict.Refused(Add("dr-okafor", "patient-jones", "Encounter"), "no treatment grant");
        Verdict.Refused(Add("dr-rivera", "patient-lee", "Encounter"), "no treatment grant");
    }

    [Fact]
    public void OnceCompleted_TheRightToWriteEnds()
    {
        StartAndEnd();
        var summary = _chain.AddEncounter("dr-rivera", "patient-jones");
        Verdict.Valid(_chain.OnBooking("dr-rivera", "complete", "b1", new CborMap { ["summary"] = summary }));

        Verdict.Refused(Add("dr-rivera", "patient-jones", "Encounter"), "no treatment grant");
    }
}
