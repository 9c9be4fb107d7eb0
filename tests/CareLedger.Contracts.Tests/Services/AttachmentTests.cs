using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using static CareLedger.Contracts.Tests.Services.ServicesActions;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// Photos, documents and questionnaires for a booking (ADR 0020): the patient attaches records of theirs that a treatment
/// grant of theirs gives the booking's practitioner; the practitioner reads them through that grant, and nobody else does.
/// </summary>
public sealed class AttachmentTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().WithoutEncounterGrants().Open();

    public AttachmentTests() => Verdict.Valid(_chain.Book("patient-jones", "b1", Slot(0)));

    public void Dispose() => _chain.Dispose();

    private string Grant(string grantee, params string[] records)
    {
        var id = NewRecordId();
        Verdict.Valid(_chain.Submit("patient-jones", "records", "grant", new CborMap
        {
            ["grant"] = id, ["grantee"] = _chain.Account(grantee).ToString(), ["purpose"] = Purposes.Treatment,
            ["records"] = records.Cast<object>().ToList(), ["expiry"] = _chain.Time + 30 * TestConsortium.Day,
        }));
        return id;
    }

    private TxResult Attach(string grant, string sender = "patient-jones", string booking = "b1", params string[] records) =>
        _chain.OnBooking(sender, "attach", booking, new CborMap { ["records"] = records.Cast<object>().ToList(), ["grant"] = grant });

    private bool CanRead(string record, string reader) =>
        _chain.Query<AccessDecision>("records", "can-read", new CborMap { ["record"] = record, ["reader"] = _chain.Account(reader).ToString() }).Allowed;

    [Fact]
    public void Attach_PhotoAndDocumentUnderAGrantToThePractitioner_OnlyThePatientAndThePractitionerMayReadThem()
    {
        var photo = _chain.AddRecord("patient-jones", "patient-jones", "Media");
        var document = _chain.AddRecord("patient-jones", "patient-jones", "DocumentReference");
        var grant = Grant("dr-rivera", photo, document);

        var result = Attach(grant, records: [photo, document]);

        Verdict.Valid(result);
        Assert.Equal("Attached", Assert.Single(result.Events).Name);
        var listed = _chain.QueryAs<BookingAttachments>("dr-rivera", "services", "attachments", new CborMap { ["booking"] = "b1" })!.Attachments;
        Assert.Equal(new[] { photo, document }.Order(StringComparer.Ordinal), listed.Select(a => a.Record));
        Assert.All(listed, a => Assert.Equal(grant, a.Grant));
        foreach (var record in new[] { photo, document })
        {
            Assert.True(CanRead(record, "patient-jones"));
            Assert.True(CanRead(record, "dr-rivera"));
            Assert.False(CanRead(record, "dr-sato"));
            Assert.False(CanRead(record, "patient-lee"));
            Assert.False(CanRead(record, "insurer-admin"));
        }
        Assert.Null(_chain.QueryAs<BookingAttachments>("patient-lee", "services", "attachments", new CborMap { ["booking"] = "b1" }));
        Assert.Null(_chain.QueryAs<BookingAttachments>("insurer-admin", "services", "attachments", new CborMap { ["booking"] = "b1" }));
    }

    [Fact]
    public void Attach_UnderAGrantToAnotherPractitioner_IsRefused()
    {
        var photo = _chain.AddRecord("patient-jones", "patient-jones", "Media");
        var grant = Grant("dr-sato", photo);
        _chain.AssertRefusedUnchanged(() => Attach(grant, records: [photo]), "treatment grant to the booking's practitioner");
    }

    [Fact]
    public void Attach_ARecordTheGrantDoesNotCover_IsRefused()
    {
        var photo = _chain.AddRecord("patient-jones", "patient-jones", "Media");
        var other = _chain.AddRecord("patient-jones", "patient-jones", "Media");
        var grant = Grant("dr-rivera", photo);
        _chain.AssertRefusedUnchanged(() => Attach(grant, records: [photo, other]), $"does not cover record {other}");
    }

    [Fact]
    public void Attach_ARecordOfAnotherTypeOrSomeoneElse_IsRefused()
    {
        var encounter = _chain.AddRecord("patient-jones", "patient-jones", "Encounter");
        var theirs = _chain.AddRecord("patient-lee", "patient-lee", "Media");
        var grant = Grant("dr-rivera", encounter);
        _chain.AssertRefusedUnchanged(() => Attach(grant, records: [encounter]), "is a Encounter");
        _chain.AssertRefusedUnchanged(() => Attach(grant, records: [theirs]), "is not yours");
    }

    [Fact]
    public void Attach_ByThePractitionerOrToAnotherPatientsBooking_IsRefused()
    {
        var photo = _chain.AddRecord("patient-jones", "patient-jones", "Media");
        var grant = Grant("dr-rivera", photo);
        _chain.AssertRefusedUnchanged(() => Attach(grant, sender: "dr-rivera", records: [photo]), "patient");
        Verdict.Valid(_chain.Book("patient-lee", "b2", Slot(1)));
        _chain.AssertRefusedUnchanged(() => Attach(grant, booking: "b2", records: [photo]), "booking b2 is not yours");
    }

    [Fact]
    public void Attach_TheSameRecordTwice_OrAfterCompletion_IsRefused()
    {
        var photo = _chain.AddRecord("patient-jones", "patient-jones", "Media");
        var grant = Grant("dr-rivera", photo);
        Verdict.Valid(Attach(grant, records: [photo]));
        _chain.AssertRefusedUnchanged(() => Attach(grant, records: [photo]), "already attached");

        _chain.RunToCompletion("b1");
        var late = _chain.AddRecord("patient-jones", "patient-jones", "Media");
        var lateGrant = Grant("dr-rivera", late);
        _chain.AssertRefusedUnchanged(() => Attach(lateGrant, records: [late]), "can be given attachments");
    }

    [Fact]
    public void Attach_BeyondTheLimit_IsRefused()
    {
        var records = Enumerable.Range(0, ServicesContract.MaxAttachments + 1).Select(_ => _chain.AddRecord("patient-jones", "patient-jones", "Media")).ToArray();
        var grant = Grant("dr-rivera", records);
        _chain.AssertRefusedUnchanged(() => Attach(grant, records: records), $"at most {ServicesContract.MaxAttachments} attachments");
        Verdict.Valid(Attach(grant, records: records[..ServicesContract.MaxAttachments]));
    }

    [Fact]
    public void Attach_UnderARevokedGrant_IsRefused()
    {
        var photo = _chain.AddRecord("patient-jones", "patient-jones", "Media");
        var grant = Grant("dr-rivera", photo);
        Verdict.Valid(_chain.Submit("patient-jones", "records", "revoke", new CborMap { ["grant"] = grant }));
        _chain.AssertRefusedUnchanged(() => Attach(grant, records: [photo]), "no longer in force");
    }
}
