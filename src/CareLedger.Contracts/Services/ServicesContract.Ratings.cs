using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>A practitioner's ratings as a sum and a count; the average is shown in tenths of a star, rounded half up.</summary>
public readonly record struct Rating(long Sum, long Count)
{
    public long AverageTenths => Count == 0 ? 0 : checked(Sum * 20 + Count) / (2 * Count);
}

/// <summary>Ratings: the patient of a completed consultation rates it once, from 1 to 5.</summary>
public sealed partial class ServicesContract
{
    public static Rating RatingOf(ContractState state, string practitioner) =>
        state.Get(RatingPrefix + practitioner) is { } r ? new(r.GetInt("sum"), r.GetInt("count")) : default;

    private static Outcome Rate(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, "patient", out var booking, out var refusal)) return refusal;
        var id = booking.GetText("id");
        if (booking.GetInt("completed") == 0) return Outcome.Fail($"booking {id} is {booking.GetText("status")}; only a completed consultation can be rated");
        if (booking.GetInt("rating") != 0) return Outcome.Fail($"you already rated booking {id}");
        var score = args.GetInt("score");
        if (score is < 1 or > 5) return Outcome.Fail("a score is a whole number from 1 to 5");

        booking["rating"] = score;
        ctx.State.Put(BookingPrefix + id, booking);
        var practitioner = booking.GetText("practitioner");
        var rating = RatingOf(ctx.State, practitioner);
        ctx.State.Put(RatingPrefix + practitioner, new CborMap { ["sum"] = checked(rating.Sum + score), ["count"] = checked(rating.Count + 1) });
        ctx.Emit("Rated", new CborMap { ["booking"] = id, ["practitioner"] = practitioner, ["score"] = score });
        return Outcome.Ok;
    }
}
