using System.Net;
using CareLedger.Client.Api;
using CareLedger.Client.Records;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Wire;
using CareLedger.Vault.Fhir;

namespace CareLedger.Client.Services;

/// <summary>
/// Telemedicine services over a node: every write is a signed services transaction that waits for
/// its block and returns the receipt, or throws <see cref="ServicesException"/> with the contract's
/// reason; reads use the node's services endpoints and contract queries, return the contract's answer records,
/// and return null for what does not exist.
/// </summary>
public sealed class ServicesClient(NodeClient node)
{
    /// <summary>The same client, reading as <paramref name="key"/>'s holder (reads about people are answered to those they concern).</summary>
    public ServicesClient As(IAccountKey key) => new(node.As(key));

    public const string Contract = "services";

    public NodeClient Node => node;

    public Task<ReceiptDto> PublishProfileAsync(IAccountKey practitioner, ProfileOffer offer, CancellationToken ct = default)
    {
        var args = new CborMap
        {
            ["languages"] = offer.Languages.Cast<object>().ToList(), ["modes"] = offer.Modes.Cast<object>().ToList(),
            ["price"] = offer.Price, ["asset"] = offer.Asset, ["referralOnly"] = offer.ReferralOnly,
        };
        if (offer.ResponseHours > 0) args["responseHours"] = offer.ResponseHours;
        return SendAsync(practitioner, "publish-profile", args, ct);
    }

    public Task<ReceiptDto> AddSlotsAsync(IAccountKey practitioner, IReadOnlyList<long> starts, long minutes, CancellationToken ct = default) =>
        SendAsync(practitioner, "add-slots", new CborMap { ["starts"] = starts.Cast<object>().ToList(), ["minutes"] = minutes }, ct);

    public Task<ReceiptDto> RemoveSlotsAsync(IAccountKey practitioner, IReadOnlyList<long> starts, CancellationToken ct = default) =>
        SendAsync(practitioner, "remove-slots", new CborMap { ["starts"] = starts.Cast<object>().ToList() }, ct);

    public Task<ReceiptDto> BookAsync(IAccountKey patient, BookingRequest request, CancellationToken ct = default)
    {
        var args = new CborMap
        {
            ["booking"] = request.Booking, ["practitioner"] = request.Practitioner, ["start"] = request.Start, ["mode"] = request.Mode,
            ["symptoms"] = request.Symptoms,
        };
        if (request.Insurer is not null) args["insurer"] = request.Insurer;
        if (request.Referral is not null) args["referral"] = request.Referral;
        return SendAsync(patient, "book", args, ct);
    }

    public Task<ReceiptDto> AcceptAsync(IAccountKey practitioner, string booking, CancellationToken ct = default) => OnBookingAsync(practitioner, "accept", booking, ct);

    public Task<ReceiptDto> DeclineAsync(IAccountKey practitioner, string booking, string? reason = null, CancellationToken ct = default) =>
        reason is null ? OnBookingAsync(practitioner, "decline", booking, ct) : OnBookingAsync(practitioner, "decline", booking, ct, ("reason", reason));

    public Task<ReceiptDto> CancelAsync(IAccountKey patient, string booking, CancellationToken ct = default) => OnBookingAsync(patient, "cancel", booking, ct);

    public Task<ReceiptDto> StartConsultationAsync(IAccountKey practitioner, string booking, CancellationToken ct = default) =>
        OnBookingAsync(practitioner, "start-consultation", booking, ct);

    public Task<ReceiptDto> EndConsultationAsync(IAccountKey practitioner, string booking, CancellationToken ct = default) =>
        OnBookingAsync(practitioner, "end-consultation", booking, ct);

    /// <summary>Completes with an Encounter record already on the ledger (added by this practitioner for this patient during the consultation).</summary>
    public Task<ReceiptDto> CompleteAsync(IAccountKey practitioner, string booking, string summaryRecord, CancellationToken ct = default) =>
        OnBookingAsync(practitioner, "complete", booking, ct, ("summary", summaryRecord));

    /// <summary>
    /// Adds the FHIR Encounter as a new record of the booking's patient (encrypted here; the consultation,
    /// once started, is what allows it, no grant needed), then completes the booking with it.
    /// </summary>
    public async Task<(AddedRecord Summary, ReceiptDto Receipt)> CompleteWithSummaryAsync(IAccountKey practitioner, string booking, string encounterJson,
        CancellationToken ct = default)
    {
        var parsed = FhirResources.Parse(encounterJson);
        if (parsed.IsValid && parsed.Resource!.TypeName != "Encounter")
            throw new ServicesException("complete", $"a consultation summary is a FHIR Encounter, not a {parsed.Resource.TypeName}");
        var found = await As(practitioner).GetBookingAsync(booking, ct) ?? throw new ServicesException("complete", $"no booking {booking}");
        var added = await new RecordsClient(node).AddAsync(practitioner, found.Patient, encounterJson, ct: ct);
        return (added, await CompleteAsync(practitioner, booking, added.Record, ct));
    }

    public Task<ReceiptDto> AcknowledgeAsync(IAccountKey patient, string booking, CancellationToken ct = default) => OnBookingAsync(patient, "acknowledge", booking, ct);

    /// <summary>Ties records of the patient to the booking; <paramref name="grant"/> is the patient's treatment grant that lets the practitioner read them.</summary>
    public Task<ReceiptDto> AttachAsync(IAccountKey patient, string booking, IReadOnlyList<string> records, string grant, CancellationToken ct = default) =>
        OnBookingAsync(patient, "attach", booking, ct, ("records", records.Cast<object>().ToList()), ("grant", grant));

    /// <summary>The records attached to a booking (its parties, their organisation's practitioners and overseers may ask).</summary>
    public async Task<IReadOnlyList<BookingAttachment>> GetAttachmentsAsync(string booking, CancellationToken ct = default) =>
        (await node.QueryAsync<BookingAttachments>(Contract, "attachments", new CborMap { ["booking"] = booking }, ct)).Attachments;

    public Task<ReceiptDto> RateAsync(IAccountKey patient, string booking, long score, CancellationToken ct = default) =>
        OnBookingAsync(patient, "rate", booking, ct, ("score", score));

    /// <summary>Records, signed by the party themselves, that they joined or left the consultation's room (proof of attendance).</summary>
    /// <param name="event"><see cref="Attendance.Joined"/> or <see cref="Attendance.Left"/></param>
    public Task<ReceiptDto> AttendAsync(IAccountKey party, string booking, string @event, CancellationToken ct = default) =>
        OnBookingAsync(party, "attend", booking, ct, ("event", @event));

    /// <summary>The practitioner invites a member into the booking's room as interpreter, specialist or family; the patient must still admit them.</summary>
    public Task<ReceiptDto> InviteAsync(IAccountKey practitioner, string booking, AccountId invitee, string role, CancellationToken ct = default) =>
        OnBookingAsync(practitioner, "invite", booking, ct, ("invitee", invitee.ToString()), ("role", role));

    /// <summary>The patient consents, signed in their own hand, to an invited guest joining the room.</summary>
    public Task<ReceiptDto> AdmitAsync(IAccountKey patient, string booking, AccountId invitee, CancellationToken ct = default) =>
        OnBookingAsync(patient, "admit", booking, ct, ("invitee", invitee.ToString()));

    public Task<ReceiptDto> DisputeAsync(IAccountKey party, string booking, string reason, CancellationToken ct = default) =>
        OnBookingAsync(party, "dispute", booking, ct, ("reason", reason));

    /// <summary>The other side's statement on a dispute the counterpart opened, for the arbitrator to read; once.</summary>
    public Task<ReceiptDto> AnswerDisputeAsync(IAccountKey party, string booking, string statement, CancellationToken ct = default) =>
        OnBookingAsync(party, "answer-dispute", booking, ct, ("statement", statement));

    /// <param name="decision">release, refund, or split with <paramref name="refund"/> back to the payer.</param>
    public Task<ReceiptDto> ResolveAsync(IAccountKey arbitrator, string booking, string decision, long? refund = null, CancellationToken ct = default) =>
        refund is { } amount
            ? OnBookingAsync(arbitrator, "resolve", booking, ct, ("decision", decision), ("refund", amount))
            : OnBookingAsync(arbitrator, "resolve", booking, ct, ("decision", decision));

    public Task<ReceiptDto> ReferAsync(IAccountKey practitioner, ReferralRequest request, CancellationToken ct = default) =>
        SendAsync(practitioner, "refer", new CborMap
        {
            ["referral"] = request.Referral, ["patient"] = request.Patient, ["organisation"] = request.Organisation,
            ["examination"] = request.Examination, ["expiry"] = request.Expiry,
        }, ct);

    public Task<ReceiptDto> RequestOpinionsAsync(IAccountKey patient, OpinionRequest request, CancellationToken ct = default) =>
        SendAsync(patient, "request-opinions", new CborMap
        {
            ["case"] = request.Case, ["records"] = request.Records.Cast<object>().ToList(), ["practitioners"] = request.Practitioners.Cast<object>().ToList(),
            ["fee"] = request.Fee, ["asset"] = request.Asset, ["deadline"] = request.Deadline,
        }, ct);

    /// <param name="contentHash">The SHA-256 of the opinion, which stays off the ledger.</param>
    public Task<ReceiptDto> SubmitOpinionAsync(IAccountKey practitioner, string caseId, string contentHash, CancellationToken ct = default) =>
        SendAsync(practitioner, "submit-opinion", new CborMap { ["case"] = caseId, ["contentHash"] = contentHash }, ct);

    public Task<ReceiptDto> DepositAsync(IAccountKey admin, string asset, long amount, CancellationToken ct = default) =>
        SendAsync(admin, "deposit", new CborMap { ["asset"] = asset, ["amount"] = amount }, ct);

    public Task<ReceiptDto> WithdrawAsync(IAccountKey admin, string asset, long amount, CancellationToken ct = default) =>
        SendAsync(admin, "withdraw", new CborMap { ["asset"] = asset, ["amount"] = amount }, ct);

    public Task<ReceiptDto> SetCoverageAsync(IAccountKey insurerAdmin, AccountId patient, string asset, long limit, CancellationToken ct = default) =>
        SendAsync(insurerAdmin, "set-coverage", new CborMap { ["patient"] = patient.ToString(), ["asset"] = asset, ["limit"] = limit }, ct);

    public async Task<IReadOnlyList<PractitionerListing>> SearchAsync(PractitionerSearch criteria, CancellationToken ct = default) =>
        await GetAsync<List<PractitionerListing>>("v1/practitioners" + criteria.ToQuery(), ct) ?? [];

    public Task<PractitionerPage?> GetPractitionerAsync(AccountId practitioner, CancellationToken ct = default) =>
        GetAsync<PractitionerPage>($"v1/practitioners/{practitioner}", ct);

    public Task<Booking?> GetBookingAsync(string booking, CancellationToken ct = default) =>
        GetAsync<Booking>($"v1/bookings/{Uri.EscapeDataString(booking)}", ct);

    /// <summary>
    /// The bookings of one patient or one practitioner (give exactly one), soonest slot first: all of them, asked
    /// <paramref name="pageSize"/> at a time by following the node's next links.
    /// </summary>
    public async Task<IReadOnlyList<Booking>> ListBookingsAsync(AccountId? patient = null, AccountId? practitioner = null, int pageSize = QueryPaging.MaxLimit,
        CancellationToken ct = default)
    {
        var query = (patient is not null ? $"patient={patient}" : $"practitioner={practitioner}") + $"&limit={pageSize}";
        var bookings = await node.GetAllPagesAsync<Booking>("v1/bookings?" + query, ct);
        return [.. bookings.OrderBy(b => b.Start).ThenBy(b => b.Id, StringComparer.Ordinal)];
    }

    public Task<ServicesTerms> GetTermsAsync(CancellationToken ct = default) => node.QueryAsync<ServicesTerms>(Contract, "terms", new CborMap(), ct);

    /// <summary>Who joined and left the consultation's room, when (the booking's parties, their organisations and overseers may ask).</summary>
    /// <summary>Who is invited into the booking's room, and whether the patient admitted them.</summary>
    public Task<Guests> GetGuestsAsync(string booking, CancellationToken ct = default) =>
        node.QueryAsync<Guests>(Contract, "guests", new CborMap { ["booking"] = booking }, ct);

    public Task<Attendance> GetAttendanceAsync(string booking, CancellationToken ct = default) =>
        node.QueryAsync<Attendance>(Contract, "attendance", new CborMap { ["booking"] = booking }, ct);

    public async Task<Referral?> GetReferralAsync(string referral, CancellationToken ct = default) =>
        (await node.QueryAsync<Found<Referral>>(Contract, "referral", new CborMap { ["referral"] = referral }, ct)).Value;

    public async Task<OpinionCase?> GetCaseAsync(string caseId, CancellationToken ct = default) =>
        (await node.QueryAsync<Found<OpinionCase>>(Contract, "case", new CborMap { ["case"] = caseId }, ct)).Value;

    /// <summary>The referrals the account wrote (a practitioner) or received (a patient); asked as that account.</summary>
    public async Task<IReadOnlyList<Referral>> ListReferralsAsync(AccountId account, CancellationToken ct = default) =>
        (await node.QueryAsync<ReferralList>(Contract, "referrals", new CborMap { ["account"] = account.ToString() }, ct)).Referrals;

    /// <summary>The second-opinion cases the account opened (a patient) or was asked to answer (a practitioner); asked as that account.</summary>
    public async Task<IReadOnlyList<OpinionCase>> ListCasesAsync(AccountId account, CancellationToken ct = default) =>
        (await node.QueryAsync<CaseList>(Contract, "cases", new CborMap { ["account"] = account.ToString() }, ct)).Cases;

    public async Task<IReadOnlyList<Coverage>> GetCoverageAsync(AccountId patient, CancellationToken ct = default) =>
        (await node.QueryAsync<CoverageList>(Contract, "coverage", new CborMap { ["patient"] = patient.ToString() }, ct)).Coverage;

    public Task<OrganisationFunds> GetTreasuryAsync(string org, string asset, CancellationToken ct = default) =>
        node.QueryAsync<OrganisationFunds>(Contract, "treasury", new CborMap { ["org"] = org, ["asset"] = asset }, ct);

    /// <summary>An insurer's coverage of patients and the bookings it pays for (no clinical content); for its staff.</summary>
    public Task<InsurerBook> GetInsuredAsync(string insurer, CancellationToken ct = default) =>
        node.QueryAsync<InsurerBook>(Contract, "insured", new CborMap { ["org"] = insurer }, ct);

    /// <summary>Every disputed booking, open ones first, with its statement and decision; for the arbitrator's admins.</summary>
    public async Task<IReadOnlyList<Booking>> GetDisputesAsync(CancellationToken ct = default) =>
        (await node.QueryAsync<DisputeList>(Contract, "disputes", new CborMap(), ct)).Bookings;

    private Task<ReceiptDto> OnBookingAsync(IAccountKey key, string action, string booking, CancellationToken ct, params (string Name, object Value)[] extra)
    {
        var args = new CborMap { ["booking"] = booking };
        foreach (var (name, value) in extra) args[name] = value;
        return SendAsync(key, action, args, ct);
    }

    private async Task<ReceiptDto> SendAsync(IAccountKey key, string action, CborMap args, CancellationToken ct)
    {
        var sent = await node.SendAsync(key, Contract, action, args, ct);
        if (sent.Receipt is not { } receipt) throw new ServicesException(action, $"transaction {sent.Id} is still pending; follow it with its receipt");
        if (receipt.Valid != true) throw new ServicesException(action, receipt.Reason ?? "refused", receipt.TxId);
        return receipt;
    }

    private async Task<T?> GetAsync<T>(string path, CancellationToken ct) where T : class
    {
        try
        {
            using var response = await node.GetResponseAsync(path, ct);
            return await NodeClient.ReadAsync<T>(response, ct);
        }
        // "Unknown booking", "Unknown practitioner": the thing is missing, as opposed to a node without the endpoint.
        catch (NodeApiException e) when (e.Status == HttpStatusCode.NotFound && e.Title.StartsWith("Unknown ", StringComparison.Ordinal))
        {
            return null;
        }
    }
}
