using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tokens;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Node.Demo;

/// <summary>
/// The services part of the demo: Dr. Rivera's profile (general practice from her licence, English
/// and Spanish, video or on-site at 50 CARE) with upcoming slots, the insurer's funded treasury and
/// its coverage of Sam Jones. Each step runs only if its effect is missing; slots are added again
/// once none is free and ahead, so a demo restarted days later can still be booked.
/// </summary>
public static class ServicesDemoSeed
{
    public const long Price = 50;
    public const long SlotMinutes = 30;
    public const long TreasuryFunds = 5_000;
    public const long CoverageLimit = 500;
    /// <summary>Dr. Rivera answers an asynchronous consultation within two days.</summary>
    public const long ResponseHours = 48;
    public const string Insurer = "care-insurance";

    public delegate Task Submit(SigningKey key, string contract, string action, CborMap args, CancellationToken ct);

    public static async Task EnsureAsync(ContractState state, string dataDir, DateTimeOffset now, Submit submit, CancellationToken ct)
    {
        using var doctor = DemoConsortium.LoadKey(dataDir, "dr-rivera");
        using var patient = DemoConsortium.LoadKey(dataDir, "patient-jones");

        if (!state.Contains(PractitionerProfile.Key(doctor.Account)))
            await submit(doctor, ServicesContract.ContractName, "publish-profile", new CborMap
            {
                ["languages"] = new List<object> { "en", "es" }, ["modes"] = ConsultationModes.All.Cast<object>().ToList(),
                ["price"] = Price, ["asset"] = DemoConsortium.Asset, ["responseHours"] = ResponseHours,
            }, ct);
        var nowMs = now.ToUnixTimeMilliseconds();
        if (!state.Scan(Slot.Of(doctor.Account)).Any(s => s.Value.Booking.Length == 0 && s.Value.Start > nowMs))
            await submit(doctor, ServicesContract.ContractName, "add-slots", new CborMap
            {
                ["starts"] = Slots(now).Cast<object>().ToList(), ["minutes"] = SlotMinutes,
            }, ct);

        using var insurer = DemoConsortium.LoadKey(dataDir, "insurer-admin");
        if (!state.Contains(Escrow.Key(ServicesContract.ContractName, ServicesContract.TreasuryOf(Insurer, DemoConsortium.Asset))))
        {
            if (TokensContract.Balance(state, DemoConsortium.Asset, insurer.Account) < TreasuryFunds)
                await submit(insurer, "tokens", "mint", new CborMap
                {
                    ["asset"] = DemoConsortium.Asset, ["to"] = insurer.Account.ToString(), ["amount"] = TreasuryFunds,
                }, ct);
            await submit(insurer, ServicesContract.ContractName, "deposit", new CborMap { ["asset"] = DemoConsortium.Asset, ["amount"] = TreasuryFunds }, ct);
        }
        if (!state.Contains(Coverage.Key(patient.Account, Insurer)))
            await submit(insurer, ServicesContract.ContractName, "set-coverage", new CborMap
            {
                ["patient"] = patient.Account.ToString(), ["asset"] = DemoConsortium.Asset, ["limit"] = CoverageLimit,
            }, ct);
    }

    /// <summary>Tomorrow (UTC) at 09:00, 09:30, 10:00, 14:00 and 14:30.</summary>
    public static IReadOnlyList<long> Slots(DateTimeOffset now)
    {
        var tomorrow = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        return new[] { 9.0, 9.5, 10.0, 14.0, 14.5 }.Select(h => tomorrow.AddHours(h).ToUnixTimeMilliseconds()).ToList();
    }
}
