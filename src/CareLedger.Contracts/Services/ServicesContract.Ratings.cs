using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>Ratings: the patient of a completed consultation rates it once, from 1 to 5.</summary>
public sealed partial class ServicesContract
{
    public static Rating RatingOf(ContractState state, AccountId practitioner) => state.Get(Rating.Key(practitioner)) ?? Rating.None;

    private static Outcome Rate(ContractContext ctx, CborMap args)
    {
        if (!TryOwn(ctx, args, b => b.Patient, out var booking, out var refusal)) return refusal;
        var id = booking.Id;
        if (booking.Completed == 0) return Outcome.Fail($"booking {id} is {booking.Status}; only a completed consultation can be rated");
        if (booking.Rating != 0) return Outcome.Fail($"you already rated booking {id}");
        var score = args.GetInt("score");
        if (score is < 1 or > 5) return Outcome.Fail("a score is a whole number from 1 to 5");

        ctx.State.Put(Booking.Key(id), booking with { Rating = score });
        var rating = RatingOf(ctx.State, booking.Practitioner);
        ctx.State.Put(Rating.Key(booking.Practitioner), new Rating(checked(rating.Sum + score), checked(rating.Count + 1)));
        ctx.Emit("Rated", new CborMap { ["booking"] = id, ["practitioner"] = booking.Practitioner.ToString(), ["score"] = score });
        return Outcome.Ok;
    }
}
