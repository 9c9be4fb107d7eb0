using System.Text.Json.Serialization;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Services;

/// <summary>
/// The platform's terms, set once in genesis (the "services" map) with a default for each:
/// the operator's fee in basis points of every payment released to a practitioner, the
/// organisations that collect it and that arbitrate disputes, the cancellation window and the
/// share refunded after it, how long a patient has to acknowledge a consultation, and how long
/// a practitioner may be late before the booking counts as a no-show.
/// </summary>
public sealed record ServicesTerms(
    long PlatformFeeBps,
    string Operator,
    string Arbitrator,
    long FreeCancellationHours,
    long LateRefundPercent,
    long AcknowledgementHours,
    long NoShowGraceMinutes) : ICborRecord<ServicesTerms>
{
    public const long Hour = 3_600_000;
    public const long Minute = 60_000;

    /// <summary>No fee, no operator, no arbitrator; a day's free cancellation, half back after; three days to acknowledge; 15 minutes' grace.</summary>
    public static ServicesTerms Default { get; } = new(0, "", "", 24, 50, 72, 15);

    /// <summary>Where the terms are kept: services/terms.</summary>
    public static StateKey<ServicesTerms> Key { get; } = new("services/terms");

    [JsonIgnore]
    public long FreeCancellationMs => checked(FreeCancellationHours * Hour);
    [JsonIgnore]
    public long AcknowledgementMs => checked(AcknowledgementHours * Hour);
    [JsonIgnore]
    public long NoShowGraceMs => checked(NoShowGraceMinutes * Minute);

    /// <summary>The operator's share of a payment, rounded down; nothing when no operator is named.</summary>
    public long FeeOn(long amount) => Operator.Length == 0 ? 0 : ShareOf(amount, PlatformFeeBps, 10_000);

    /// <summary>The patient's share of a late cancellation, rounded down.</summary>
    public long LateRefundOf(long price) => ShareOf(price, LateRefundPercent, 100);

    /// <summary>
    /// floor(amount × parts / whole) for 0 ≤ parts ≤ whole, computed so that no amount a balance can
    /// hold overflows: a release that runs at block start must not be able to fail.
    /// </summary>
    private static long ShareOf(long amount, long parts, long whole) => amount / whole * parts + amount % whole * parts / whole;

    public static ServicesTerms Read(ContractState state) => state.Get(Key) ?? Default;

    /// <summary>
    /// The terms in the genesis document (its "services" map, in the same form, each field
    /// optional), checked: a bad value stops the chain from starting rather than misbehaving later.
    /// </summary>
    public static ServicesTerms FromGenesis(ContractState state, CborMap genesis)
    {
        if (!genesis.ContainsKey("services")) return Default;
        var terms = CborFields.Read(genesis.GetMap("services"), static f => new ServicesTerms(
            f.OptionalInt("platformFeeBps") ?? Default.PlatformFeeBps,
            f.OptionalText("operator") ?? Default.Operator,
            f.OptionalText("arbitrator") ?? Default.Arbitrator,
            f.OptionalInt("freeCancellationHours") ?? Default.FreeCancellationHours,
            f.OptionalInt("lateRefundPercent") ?? Default.LateRefundPercent,
            f.OptionalInt("acknowledgementHours") ?? Default.AcknowledgementHours,
            f.OptionalInt("noShowGraceMinutes") ?? Default.NoShowGraceMinutes));
        Require(terms.PlatformFeeBps is >= 0 and <= 10_000, "services.platformFeeBps must be between 0 and 10000");
        Require(terms.LateRefundPercent is >= 0 and <= 100, "services.lateRefundPercent must be between 0 and 100");
        Require(terms.FreeCancellationHours is >= 0 and <= 24 * 365, "services.freeCancellationHours must be between 0 and 8760");
        Require(terms.AcknowledgementHours is >= 1 and <= 24 * 365, "services.acknowledgementHours must be between 1 and 8760");
        Require(terms.NoShowGraceMinutes is >= 0 and <= 24 * 60, "services.noShowGraceMinutes must be between 0 and 1440");
        foreach (var org in new[] { terms.Operator, terms.Arbitrator })
            Require(org.Length == 0 || Members.FindOrganisation(state, org) is not null, $"services names unknown organisation '{org}'");
        return terms;
    }

    public CborMap ToCbor() => new()
    {
        ["platformFeeBps"] = PlatformFeeBps, ["operator"] = Operator, ["arbitrator"] = Arbitrator,
        ["freeCancellationHours"] = FreeCancellationHours, ["lateRefundPercent"] = LateRefundPercent,
        ["acknowledgementHours"] = AcknowledgementHours, ["noShowGraceMinutes"] = NoShowGraceMinutes,
    };

    public static ServicesTerms FromCbor(CborMap map) => CborFields.Read(map, static f => new ServicesTerms(
        f.Int("platformFeeBps"), f.Text("operator"), f.Text("arbitrator"), f.Int("freeCancellationHours"), f.Int("lateRefundPercent"),
        f.Int("acknowledgementHours"), f.Int("noShowGraceMinutes")));

    private static void Require(bool condition, string problem)
    {
        if (!condition) throw new CborMapException(problem);
    }
}
