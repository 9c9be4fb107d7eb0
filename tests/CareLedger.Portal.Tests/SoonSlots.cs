namespace CareLedger.Portal.Tests;

/// <summary>
/// Dr. Rivera's five-minute slots in the coming hours, shared by every test of the portal's node. A test asks for one
/// about so many minutes ahead and gets the first from then on that no other test of this run holds: offsets counted
/// from "now" alone meet when two tests run minutes apart (one's +20 is the other's +15 five minutes later).
/// </summary>
internal static class SoonSlots
{
    private const long Length = 5 * 60_000;
    private static readonly List<long> Taken = [];

    /// <summary>The start (Unix ms, on a whole minute) of a five-minute slot at least <paramref name="minutesAhead"/> from now.</summary>
    public static long Take(int minutesAhead)
    {
        lock (Taken)
        {
            var start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 + minutesAhead) * 60_000;
            while (Taken.Any(t => Math.Abs(t - start) < Length)) start += Length;
            Taken.Add(start);
            return start;
        }
    }
}
