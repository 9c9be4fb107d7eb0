using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>What a block reads by itself: the deadlines due, not every deadline there is.</summary>
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
}
