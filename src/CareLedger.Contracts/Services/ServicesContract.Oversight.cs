using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// What the organisations that pay and judge may read: an insurer its coverage and the bookings it pays for (money and
/// progress, not why the patient came), the arbitrator the disputed bookings (the statements, not the clinical records).
/// </summary>
public sealed partial class ServicesContract
{
    /// <summary>Admins of the arbitrator organisation the terms name, or oversight.</summary>
    public static bool ArbitratorOrOversight(QueryContext q, CborMap args, Asker asker)
    {
        if (asker.Oversees) return true;
        var arbitrator = ServicesTerms.Read(q.State).Arbitrator;
        return arbitrator.Length > 0 && asker.Organisation == arbitrator && asker.Role == Roles.Admin;
    }

    /// <summary>An insurer's coverage of each patient and the bookings paid from its treasury, newest slot first, without clinical content.</summary>
    private static InsurerBook Insured(QueryContext q, CborMap args)
    {
        var org = args.GetText("org");
        var coverage = q.State.Scan(Coverage.All).Select(e => e.Value).Where(c => c.Insurer == org).OrderByDescending(c => c.Updated).ToList();
        var bookings = q.State.Scan(Booking.All).Select(e => e.Value).Where(b => b.Insurer == org)
            .OrderByDescending(b => b.Start).ThenBy(b => b.Id, StringComparer.Ordinal).Select(b => b.ForPayer()).ToList();
        return new InsurerBook(org, coverage, bookings);
    }

    /// <summary>Every booking that was disputed, open disputes first, then by when the dispute was opened.</summary>
    private static DisputeList Disputes(QueryContext q, CborMap args) => new([.. q.State.Scan(Booking.All).Select(e => e.Value)
        .Where(b => b.Dispute is not null)
        .OrderBy(b => b.Status == BookingStatus.Disputed ? 0 : 1).ThenBy(b => b.Dispute!.Opened).ThenBy(b => b.Id, StringComparer.Ordinal)
        .Select(b => b with { Symptoms = "", Summary = "", Referral = "" })]);
}

/// <summary>The answer to services.insured: an insurer's coverage of patients and the bookings it pays for.</summary>
public sealed record InsurerBook(string Org, IReadOnlyList<Coverage> Coverage, IReadOnlyList<Booking> Bookings) : ICborRecord<InsurerBook>
{
    public CborMap ToCbor() => new() { ["org"] = Org, ["coverage"] = CborRecord.List(Coverage), ["bookings"] = CborRecord.List(Bookings) };

    public static InsurerBook FromCbor(CborMap map) => CborFields.Read(map, static f => new InsurerBook(f.Text("org"), f.Records<Coverage>("coverage"), f.Records<Booking>("bookings")));
}

/// <summary>The answer to services.disputes: disputed bookings with each dispute's statement and decision.</summary>
public sealed record DisputeList(IReadOnlyList<Booking> Bookings) : ICborRecord<DisputeList>
{
    public CborMap ToCbor() => new() { ["bookings"] = CborRecord.List(Bookings) };

    public static DisputeList FromCbor(CborMap map) => CborFields.Read(map, static f => new DisputeList(f.Records<Booking>("bookings")));
}
