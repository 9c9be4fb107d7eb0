using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;

namespace CareLedger.Contracts.Tests.Prescriptions;

/// <summary>What a prescriber asks for; defaults give 30 tablets once a day, two fills, valid 90 days from <paramref name="Now"/>.</summary>
public sealed record RxIssue(string Id, string Patient, string Record, long Now)
{
    /// <summary>The test salt the records behind these prescriptions would carry.</summary>
    public const string Salt = "0123456789abcdef0123456789abcdef";

    public string Medication { get; init; } = SealedCode.Of("rxnorm:29046", Salt);
    public long Quantity { get; init; } = 30;
    public long Fills { get; init; } = 2;
    public long? Expiry { get; init; }
    public long DosesPerDay { get; init; } = 1;
    public IReadOnlyList<CborMap> Alerts { get; init; } = [];

    public CborMap ToArgs(TestConsortium c) => new()
    {
        ["prescription"] = Id, ["patient"] = c.Account(Patient).ToString(), ["record"] = Record, ["medication"] = Medication,
        ["quantity"] = Quantity, ["fills"] = Fills, ["expiry"] = Expiry ?? Now + 90 * TestConsortium.Day, ["dosesPerDay"] = DosesPerDay,
        ["alerts"] = Alerts.Cast<object>().ToList(),
    };

    /// <summary>An alert as a prescriber sends it, its code sealed (a code already sealed, or deliberately clear with <paramref name="seal"/> false, is sent as it is).</summary>
    public static CborMap Alert(string kind, string severity, string code, bool acknowledged, bool seal = true) =>
        new() { ["kind"] = kind, ["severity"] = severity, ["code"] = seal && !SealedCode.IsSealed(code) ? SealedCode.Of(code, Salt) : code, ["acknowledged"] = acknowledged };
}

/// <summary>The prescriptions contract's actions in the words of the tests, and what they read back.</summary>
public static class PrescriptionsActions
{
    /// <summary>The content hash of every test MedicationRequest record (see <see cref="Services.ServicesActions.AddRecord"/>).</summary>
    public const string ContentHash = Services.ServicesActions.Symptoms;
    public const string TamperedHash = "0000000000000000000000000000000000000000000000000000000000000000";
    public const long Price = 20;

    private static int s_ids;

    public static string NewRxId() => $"rx-{Interlocked.Increment(ref s_ids)}";

    /// <summary>dr-rivera (or the given prescriber) adds a MedicationRequest for the patient and issues it; returns the prescription id.</summary>
    public static string Prescribe(this TestConsortium c, string patient = "patient-jones", string prescriber = "dr-rivera", Func<RxIssue, RxIssue>? shape = null)
    {
        var record = c.AddRecord(prescriber, patient, "MedicationRequest");
        var issue = new RxIssue(NewRxId(), patient, record, c.Time);
        if (shape is not null) issue = shape(issue);
        Verdict.Valid(c.Issue(prescriber, issue));
        return issue.Id;
    }

    /// <summary>Adds a record of the type for the patient, written by the author; returns its record id.</summary>
    public static string AddRecord(this TestConsortium c, string author, string patient, string type) => Services.ServicesActions.AddRecord(c, author, patient, type);

    public static TxResult Grant(this TestConsortium c, string patient, string grantee, string purpose, string[]? types = null, string[]? records = null) =>
        c.Commit(Services.ServicesActions.GrantSign(c, patient, grantee, purpose, types, records)).Results[0];

    public static TxResult Issue(this TestConsortium c, string prescriber, RxIssue issue) => c.Submit(prescriber, "prescriptions", "issue", issue.ToArgs(c));

    public static Transaction PresentSign(this TestConsortium c, string patient, string rx, string pharmacy, string code, long price = Price) =>
        c.Sign(patient, "prescriptions", "present", new CborMap
        {
            ["prescription"] = rx, ["pharmacy"] = pharmacy, ["codeHash"] = PrescriptionsContract.CodeHash(rx, code).ToString(), ["price"] = price, ["asset"] = Asset,
        });

    public static TxResult Present(this TestConsortium c, string rx, string pharmacy = Corner, string code = "code-1", long price = Price, string patient = "patient-jones") =>
        c.Commit(c.PresentSign(patient, rx, pharmacy, code, price)).Results[0];

    public static Transaction DispenseSign(this TestConsortium c, string pharmacist, string rx, long fill, long quantity, string code = "code-1",
        string contentHash = ContentHash, long charge = Price) =>
        c.Sign(pharmacist, "prescriptions", "dispense", new CborMap
        {
            ["prescription"] = rx, ["fill"] = fill, ["quantity"] = quantity, ["code"] = code, ["contentHash"] = contentHash, ["charge"] = charge,
        });

    public static TxResult Dispense(this TestConsortium c, string rx, long fill = 1, long quantity = 30, string pharmacist = "pharmacist-chen", string code = "code-1",
        string contentHash = ContentHash, long charge = Price) =>
        c.Commit(c.DispenseSign(pharmacist, rx, fill, quantity, code, contentHash, charge)).Results[0];

    public static TxResult OnRx(this TestConsortium c, string sender, string action, string rx, CborMap? extra = null)
    {
        var args = new CborMap { ["prescription"] = rx };
        foreach (var (key, value) in extra ?? []) args[key] = value;
        return c.Submit(sender, "prescriptions", action, args);
    }

    public static TxResult FundProgramme(this TestConsortium c, string programme, long amount, long perDay = 5, long perDispense = 10, string admin = "insurer-admin") =>
        c.Submit(admin, "prescriptions", "fund-programme", new CborMap
        {
            ["programme"] = programme, ["asset"] = Asset, ["amount"] = amount, ["rewardPerDay"] = perDay, ["rewardPerDispense"] = perDispense,
        });

    public static Prescription Rx(this TestConsortium c, string rx) =>
        c.Get(Prescription.Key(rx)) ?? throw new InvalidOperationException($"no prescription {rx}");

    public static long Escrow(this TestConsortium c, string id) => c.Get(Contracts.Tokens.Escrow.Key("prescriptions", id))?.Amount ?? 0;

    public static long Till(this TestConsortium c, string org = Corner) => c.Escrow(PrescriptionsContract.TillOf(org, Asset));

    /// <summary>Everything the prescriptions, tokens and records contracts hold, for before/after comparisons.</summary>
    public static IReadOnlyList<(string Key, string Value)> Holdings(this TestConsortium c) =>
        [.. c.Snapshot("prescriptions/"), .. c.Snapshot("tokens/"), .. c.Snapshot("records/")];

    /// <summary>Asserts that the step is refused for the reason, with no events, and changes nothing.</summary>
    public static void AssertRefusedUnchanged(this TestConsortium c, Func<TxResult> step, string reason)
    {
        var before = c.Holdings();
        Verdict.Refused(step(), reason);
        Assert.Equal(before, c.Holdings());
    }
}
