using CareLedger.Client.Services;

namespace CareLedger.Portal.Tests;

/// <summary>
/// Accepted video bookings of Dr. Rivera by Sam Jones for the room media tests, each in a five-minute slot of its own from
/// 125 minutes ahead (PortalRoomTests take slots from 95; the fixture opens rooms four hours ahead).
/// </summary>
internal static class RoomBooking
{
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";

    public static async Task<string> AcceptedAsync(BrowserFixture fx, DemoPeople people)
    {
        var services = new ServicesClient(fx.Node.Client);
        var slot = SoonSlots.Take(125);
        var booking = "room-" + Guid.NewGuid().ToString("N")[..12];
        await services.AddSlotsAsync(people.Key("dr-rivera"), [slot], 5);
        await services.BookAsync(people.Key("patient-jones"), new BookingRequest(booking, people.Key("dr-rivera").Account.ToString(), slot, "video", Symptoms));
        await services.AcceptAsync(people.Key("dr-rivera"), booking);
        return booking;
    }
}
