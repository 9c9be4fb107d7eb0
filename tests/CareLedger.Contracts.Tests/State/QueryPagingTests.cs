using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Records;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.State;

/// <summary>List queries answer pages: limit and after in, next out; paging through gives the whole list once.</summary>
public sealed class QueryPagingTests : IDisposable
{
    private readonly TestConsortium _chain = new ServicesWorld().WithPatients(2).Open();

    public void Dispose() => _chain.Dispose();

    /// <summary>Every item of a list query, asked <paramref name="limit"/> at a time, and how many pages that took.</summary>
    private (List<T> Items, int Pages) PageThrough<TPage, T>(string contract, string query, CborMap args, int limit) where TPage : ICborRecord<TPage>, IQueryPage<T>
    {
        var items = new List<T>();
        var after = "";
        for (var pages = 1; ; pages++)
        {
            var pageArgs = new CborMap { ["limit"] = (long)limit };
            foreach (var (name, value) in args) pageArgs[name] = value;
            if (after.Length > 0) pageArgs["after"] = after;
            var page = _chain.Query<TPage>(contract, query, pageArgs);
            Assert.True(page.Items.Count <= limit);
            items.AddRange(page.Items);
            if (page.Next.Length == 0) return (items, pages);
            after = page.Next;
        }
    }

    [Fact]
    public void Grants_PagedTwoAtATime_GiveEveryGrantOnceThenNoNext()
    {
        var args = new CborMap { ["patient"] = _chain.Account("patient-jones").ToString() };
        var all = _chain.Query<GrantList>("records", "grants", args);

        var (paged, pages) = PageThrough<GrantList, ConsentGrant>("records", "grants", args, 2);

        Assert.Equal("", all.Next);
        Assert.Equal(all.Grants.Select(g => g.Id), paged.Select(g => g.Id));
        Assert.Equal(all.Grants.Count, paged.Select(g => g.Id).Distinct().Count());
        Assert.True(pages > 1);
    }

    [Fact]
    public void Staff_PagedThreeMembersAtATime_FindsEveryStaffMemberInPagesOfTheOrganisationsStaffIndexOnly()
    {
        var args = new CborMap { ["org"] = "city-clinic" };
        var all = _chain.Query<StaffList>("membership", "staff", args).Members;
        _chain.Reads.Reset();

        var (paged, pages) = PageThrough<StaffList, Member>("membership", "staff", args, 3);

        Assert.Equal(4, all.Count);
        Assert.Equal(all.Select(m => m.Account), paged.Select(m => m.Account));
        // Four staff in pages of three: two pages, however many patients the clinic has (the index holds no patient).
        Assert.Equal(2, pages);
        Assert.Equal(4, _chain.Reads.Under(StaffSeat.KeyPrefix + "city-clinic/"));
    }

    [Fact]
    public void Staff_OfOneOrganisation_ReadsThatOrganisationsStaffOnly_NotEveryMember()
    {
        _chain.Reads.Reset();

        var staff = _chain.Query<StaffList>("membership", "staff", new CborMap { ["org"] = "city-clinic" }).Members;

        Assert.Equal(4, staff.Count);
        Assert.DoesNotContain(staff, m => m.Role == Roles.Patient);
        Assert.Equal(staff.Count, _chain.Reads.Under(Member.KeyPrefix));
        Assert.Equal(staff.Count, _chain.Reads.Under(StaffSeat.KeyPrefix));
    }

    [Fact]
    public void Bookings_WithALimit_ReadsThatManyIndexEntriesAndPagesThroughAll()
    {
        for (var i = 0; i < 6; i++) Verdict.Valid(_chain.Book(PatientName(i % 2), $"b{i}", Slot(i)));
        var args = new CborMap { ["account"] = _chain.Account("dr-rivera").ToString() };
        _chain.Reads.Reset();

        var first = _chain.Query<BookingList>("services", "bookings", new CborMap { ["account"] = args.GetText("account"), ["limit"] = 2L });

        Assert.Equal(["b0", "b1"], first.Bookings.Select(b => b.Id));
        Assert.Equal(2, _chain.Reads.Under(BookingParty.KeyPrefix));
        Assert.Equal(["b0", "b1", "b2", "b3", "b4", "b5"], PageThrough<BookingList, Booking>("services", "bookings", args, 4).Items.Select(b => b.Id));
    }
}
