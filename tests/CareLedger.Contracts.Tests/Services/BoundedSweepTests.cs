using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>What a block reads by itself: the deadlines due, not every deadline there is; the licences that lapsed, not every practitioner with open bookings.</summary>
public sealed class BoundedSweepTests : IDisposable
{
    private const int Bookings = 40;
    private readonly TestConsortium _chain = new ServicesWorld().WithPatients(Bookings / 10).Open();

    public void Dispose() => _chain.Dispose();

    /// <summary>Forty requested bookings, one a slot from <see cref="Slot"/>(10) on, each with an accept-by deadline at its slot's start.</summary>
    private void BookForty()
    {
        Verdict.Valid(_chain.AddSlots("dr-rivera", Enumerable.Range(10, Bookings).Select(Slot)));
        for (var i = 0; i < Bookings; i++) Verdict.Valid(_chain.Book(PatientName(i / 10), $"b{i:D2}", Slot(10 + i)));
    }

    [Fact]
    public void BlockStart_ManyDeadlinesNotYetDue_ReadsAPageOfTheIndexNotAllOfIt()
    {
        BookForty();
        _chain.Reads.Reset();

        _chain.Tick();

        Assert.True(_chain.Reads.Under(Deadline.KeyPrefix) <= ServicesContract.DeadlinePage,
            $"an idle block read {_chain.Reads.Under(Deadline.KeyPrefix)} deadline entries of {Bookings}");
    }

    [Fact]
    public void BlockStart_SomeDeadlinesDue_ExpiresThoseAndReadsAtMostAPageBeyond()
    {
        BookForty();
        _chain.AdvanceTo(Slot(12));
        _chain.Reads.Reset();

        _chain.Tick();

        Assert.Equal([BookingStatus.Expired, BookingStatus.Expired, BookingStatus.Expired, BookingStatus.Requested],
            Enumerable.Range(0, 4).Select(i => _chain.Status($"b{i:D2}")));
        Assert.True(_chain.Reads.Under(Deadline.KeyPrefix) <= 3 + ServicesContract.DeadlinePage,
            $"a block with 3 due read {_chain.Reads.Under(Deadline.KeyPrefix)} deadline entries of {Bookings}");
    }

    /// <summary>Every doctor publishes a profile and takes a booking from each of the world's patients: each doctor holds open bookings.</summary>
    private void BookEveryDoctor()
    {
        foreach (var doctor in Doctors.Skip(1)) Verdict.Valid(_chain.PublishProfile(doctor));
        foreach (var doctor in Doctors.Skip(1)) Verdict.Valid(_chain.AddSlots(doctor, Enumerable.Range(0, Bookings / 10).Select(Slot)));
        for (var i = 0; i < Bookings / 10; i++)
            foreach (var doctor in Doctors) Verdict.Valid(_chain.Book(PatientName(i), $"{doctor}-{i}", Slot(i), doctor));
    }

    [Fact]
    public void BlockStart_PractitionersWithOpenBookingsAndNoLapse_ReadsNoneOfTheirOpenBookings()
    {
        BookEveryDoctor();
        _chain.Reads.Reset();

        _chain.Tick();

        Assert.Equal(0, _chain.Reads.Under(OpenBookings.KeyPrefix));
        Assert.True(_chain.Reads.Under(LicenceLapse.KeyPrefix) <= ServicesContract.DeadlinePage,
            $"an idle block read {_chain.Reads.Under(LicenceLapse.KeyPrefix)} licence lapse moments");
        Assert.All(Doctors, doctor => Assert.Equal(BookingStatus.Requested, _chain.Status($"{doctor}-0")));
    }

    [Fact]
    public void BlockStart_OneLicenceRevoked_ReadsOnlyThatPractitionersOpenBookings_AndCancelsOnlyThem()
    {
        BookEveryDoctor();
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("dr-okafor")));
        _chain.Reads.Reset();

        _chain.Tick();

        Assert.Equal(_chain.Reads.Under(OpenBookings.KeyPrefix), _chain.Reads.Under(OpenBookings.Key(_chain.Account("dr-okafor")).Value));
        Assert.All(Enumerable.Range(0, Bookings / 10), i => Assert.Equal(BookingStatus.Cancelled, _chain.Status($"dr-okafor-{i}")));
        Assert.All(Enumerable.Range(0, Bookings / 10), i => Assert.Equal(BookingStatus.Requested, _chain.Status($"dr-sato-{i}")));
        Assert.All(Enumerable.Range(0, Bookings / 10), i => Assert.Equal(1_000 - 2 * Price, _chain.BalanceOf(PatientName(i))));
    }
}
