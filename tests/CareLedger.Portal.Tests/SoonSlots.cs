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

    /// <summary>
    /// The start (Unix ms, on a whole minute) of a five-minute slot as near <paramref name="minutesAhead"/> from now as
    /// is free: the minute asked for, else one before or after it, nearest first, never less than two minutes ahead (a
    /// test that starts its consultation needs it within the quarter of an hour before the slot).
    /// </summary>
    public static long Take(int minutesAhead)
    {
        lock (Taken)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000;
            for (var step = 0; ; step++)
                foreach (var minutes in new[] { minutesAhead - step, minutesAhead + step })
                {
                    var start = (now + minutes) * 60_000;
                    if (minutes < 2 || Taken.Any(t => Math.Abs(t - start) < Length)) continue;
                    Taken.Add(start);
                    return start;
                }
        }
    }
}
