using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>The services contract's actions in the words of the tests, and what the tests read back.</summary>
public static class ServicesActions
{
    public const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private static int s_ids;

    public static TxResult PublishProfile(this TestConsortium c, string practitioner, long price = Price, string[]? languages = null, string[]? modes = null, bool referralOnly = false,
        long? responseHours = null)
    {
        var args = new CborMap
        {
            ["languages"] = (languages ?? ["en", "es"]).Cast<object>().ToList(), ["modes"] = (modes ?? ["video", "on-site"]).Cast<object>().ToList(),
            ["price"] = price, ["asset"] = Asset, ["referralOnly"] = referralOnly,
        };
        if (responseHours is { } hours) args["responseHours"] = hours;
        return c.Submit(practitioner, "services", "publish-profile", args);
    }

    public static TxResult AddSlots(this TestConsortium c, string practitioner, IEnumerable<long> starts, long minutes = SlotMinutes) =>
        c.Submit(practitioner, "services", "add-slots", new CborMap { ["starts"] = starts.Cast<object>().ToList(), ["minutes"] = minutes });

    public static Transaction BookSign(this TestConsortium c, string patient, string booking, string practitioner, long start,
        string mode = "video", string? insurer = null, string? referral = null)
    {
        var args = new CborMap
        {
            ["booking"] = booking, ["practitioner"] = c.Account(practitioner).ToString(), ["start"] = start, ["mode"] = mode, ["symptoms"] = Symptoms,
        };
        if (insurer is not null) args["insurer"] = insurer;
        if (referral is not null) args["referral"] = referral;
        return c.Sign(patient, "services", "book", args);
    }

    public static TxResult Book(this TestConsortium c, string patient, string booking, long start, string practitioner = "dr-rivera",
        string mode = "video", string? insurer = null, string? referral = null) =>
        c.Commit(c.BookSign(patient, booking, practitioner, start, mode, insurer, referral)).Results[0];

    public static TxResult OnBooking(this TestConsortium c, string sender, string action, string booking, CborMap? extra = null)
    {
        var args = new CborMap { ["booking"] = booking };
        foreach (var (key, value) in extra ?? []) args[key] = value;
        return c.Submit(sender, "services", action, args);
    }

    /// <summary>Adds an Encounter for the patient, written by the practitioner; returns its record id.</summary>
    public static string AddEncounter(this TestConsortium c, string practitioner, string patient) => c.AddRecord(practitioner, patient, "Encounter");

    public static string AddRecord(this TestConsortium c, string author, string patient, string type)
    {
        var id = NewRecordId();
        Verdict.Valid(c.Submit(author, "records", "add", new CborMap
        {
            ["record"] = id, ["patient"] = c.Account(patient).ToString(), ["type"] = type, ["contentHash"] = Symptoms, ["keysHash"] = Symptoms,
        }));
        return id;
    }

    public static Transaction GrantSign(this TestConsortium c, string patient, string grantee, string purpose, string[]? types = null, string[]? records = null)
    {
        var args = new CborMap
        {
            ["grant"] = NewRecordId(), ["grantee"] = c.Account(grantee).ToString(), ["purpose"] = purpose, ["expiry"] = c.Time + 400 * TestConsortium.Day,
        };
        if (types is not null) args["types"] = types.Cast<object>().ToList();
        if (records is not null) args["records"] = records.Cast<object>().ToList();
        return c.Sign(patient, "records", "grant", args);
    }

    /// <summary>Accepts, waits for the slot, starts, ends and completes the booking with a fresh Encounter.</summary>
    public static void RunToCompletion(this TestConsortium c, string booking, string patient = "patient-jones", string practitioner = "dr-rivera")
    {
        Verdict.Valid(c.OnBooking(practitioner, "accept", booking));
        c.RunAcceptedToCompletion(booking, patient, practitioner);
    }

    public static void RunAcceptedToCompletion(this TestConsortium c, string booking, string patient = "patient-jones", string practitioner = "dr-rivera")
    {
        c.AdvanceTo(Math.Max(c.Time, c.Booking(booking).Start));
        Verdict.Valid(c.OnBooking(practitioner, "start-consultation", booking));
        c.Advance(20 * 60_000);
        Verdict.Valid(c.OnBooking(practitioner, "end-consultation", booking));
        var summary = c.AddEncounter(practitioner, patient);
        Verdict.Valid(c.OnBooking(practitioner, "complete", booking, new CborMap { ["summary"] = summary }));
    }

    public static void AdvanceTo(this TestConsortium c, long time) => c.Advance(time - c.Time);

    /// <summary>An empty block at the current time: lets the contract's time-triggered steps run.</summary>
    public static void Tick(this TestConsortium c) => c.Commit();

    public static Booking Booking(this TestConsortium c, string booking) =>
        c.Get(Contracts.Services.Booking.Key(booking)) ?? throw new InvalidOperationException($"no booking {booking}");

    public static string Status(this TestConsortium c, string booking) => c.Booking(booking).Status;

    public static long Escrow(this TestConsortium c, string id) => c.Get(Contracts.Tokens.Escrow.Key("services", id))?.Amount ?? 0;

    public static long Treasury(this TestConsortium c, string org) => c.Escrow(ServicesContract.TreasuryOf(org, Asset));

    public static long BalanceOf(this TestConsortium c, string name) => c.Balance(c.Account(name), Asset);

    public static bool SlotFree(this TestConsortium c, long start, string practitioner = "dr-rivera") =>
        c.Get(Contracts.Services.Slot.Key(c.Account(practitioner), start))!.Free;

    /// <summary>Everything the services and tokens contracts hold, for before/after comparisons.</summary>
    public static IReadOnlyList<(string Key, string Value)> Holdings(this TestConsortium c) =>
        [.. c.Snapshot("services/"), .. c.Snapshot("tokens/"), .. c.Snapshot("records/")];

    /// <summary>Lets due deadlines run first, then asserts that the step is refused for the reason and changes nothing.</summary>
    public static void AssertRefusedUnchanged(this TestConsortium c, Func<TxResult> step, string reason)
    {
        c.Tick();
        var before = c.Holdings();
        Verdict.Refused(step(), reason);
        Assert.Equal(before, c.Holdings());
    }

    /// <summary>Per asset, the balances plus what the escrows hold: constant unless tokens are minted.</summary>
    public static long TotalHeld(this TestConsortium c, string asset = Asset) =>
        c.View.Scan(Contracts.Tokens.Balance.Of(asset)).Sum(e => e.Value.Amount)
        + c.View.Scan(Contracts.Tokens.Escrow.All).Where(e => e.Value.Asset == asset).Sum(e => e.Value.Amount);

    public static string NewRecordId() => $"{Interlocked.Increment(ref s_ids):x32}";
}
