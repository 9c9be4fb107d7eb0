using CareLedger.Contracts.Prescriptions;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Prescriptions.PrescriptionsWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Prescriptions;

/// <summary>
/// Random (seeded) sequences of prescribing, presenting, dispensing, cancelling, renewing,
/// programmes and check-ins: after every block the supply equals balances plus escrows, every
/// presentation holds exactly its price, and no prescription dispenses more than it allows.
/// </summary>
public sealed class ConservationPropertyTests
{
    private static readonly string[] Doctors = ["dr-rivera", "dr-okafor"];
    private static readonly string[] Pharmacists = ["pharmacist-chen", "pharmacist-ali", "pharmacist-diaz"];
    private static readonly string[] Pharmacies = [Corner, Harbour];

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void RandomSequences_KeepMoneyAndFillsConserved(int seed)
    {
        using var chain = Open();
        Verdict.Valid(chain.Transfer("insurer-admin", chain.Account("clinic-admin"), 2_000));
        var supply = chain.Supply(Asset);
        var random = new Random(seed);
        var rxs = new List<string>();
        var valid = 0;
        for (var step = 0; step < 250; step++)
        {
            var tx = Next(chain, random, rxs);
            if (tx is null) { chain.Advance(random.Next(1, 20) * Hour); chain.Commit(); }
            else if (chain.Commit(tx).Results[0].Valid) valid++;
            AssertHold(chain, supply, $"seed {seed}, step {step}");
        }
        Assert.InRange(valid, 50, 240);
        Assert.Contains(chain.Snapshot(DispenseEntry.KeyPrefix), _ => true);
    }

    private static Transaction? Next(TestConsortium chain, Random random, List<string> rxs)
    {
        var rx = rxs.Count == 0 ? "rx-none" : rxs[random.Next(rxs.Count)];
        var code = $"code-{random.Next(3)}";
        switch (random.Next(12))
        {
            case 0:
            case 1:
                var doctor = Doctors[random.Next(2)];
                var patient = Patients[random.Next(2)];
                var record = Services.ServicesActions.NewRecordId();
                chain.Submit(doctor, "records", "add", new CborMap
                {
                    ["record"] = record, ["patient"] = chain.Account(patient).ToString(), ["type"] = "MedicationRequest",
                    ["contentHash"] = PrescriptionsActions.ContentHash, ["keysHash"] = PrescriptionsActions.ContentHash,
                });
                var id = $"rx-{rxs.Count}";
                rxs.Add(id);
                return chain.Sign(doctor, "prescriptions", "issue", new RxIssue(id, patient, record, chain.Time)
                {
                    Fills = random.Next(1, 4), Quantity = random.Next(5, 31), DosesPerDay = random.Next(1, 4), Expiry = chain.Time + random.Next(1, 20) * Day,
                }.ToArgs(chain));
            case 2:
            case 3:
                return chain.PresentSign(Owner(chain, rx), rx, Pharmacies[random.Next(2)], code, random.Next(0, 60));
            case 4:
            case 5:
            case 6:
                // Mostly what the presentation allows, sometimes not: the wrong pharmacy, code, fill, quantity or charge.
                var r = chain.Get(Prescription.Key(rx));
                var current = r is null ? 1 : r.Fills - r.FillsLeft + 1;
                var pharmacist = r?.Pharmacy == Harbour ? "pharmacist-diaz" : Pharmacists[random.Next(2)];
                if (random.Next(5) == 0) pharmacist = Pharmacists[random.Next(3)];
                var shownCode = random.Next(5) == 0 ? code : Codes(rx, r);
                var remaining = r?.Remaining ?? 10;
                return chain.DispenseSign(pharmacist, rx, current - (random.Next(8) == 0 ? 1 : 0), random.Next(1, (int)remaining + 3), shownCode,
                    charge: random.Next(0, (int)(r?.Price ?? 0) + 3));
            case 7:
                return random.Next(2) == 0
                    ? chain.Sign(Owner(chain, rx), "prescriptions", "withdraw", new CborMap { ["prescription"] = rx })
                    : chain.Sign(Doctors[random.Next(2)], "prescriptions", "cancel", new CborMap { ["prescription"] = rx });
            case 8:
                return random.Next(3) switch
                {
                    0 => chain.Sign(random.Next(2) == 0 ? "insurer-admin" : "clinic-admin", "prescriptions", "fund-programme", new CborMap
                    {
                        ["programme"] = $"p{random.Next(2)}", ["asset"] = Asset, ["amount"] = (long)random.Next(1, 200), ["rewardPerDay"] = 3L, ["rewardPerDispense"] = 7L,
                    }),
                    1 => chain.Sign(Owner(chain, rx), "prescriptions", "join", new CborMap { ["prescription"] = rx, ["programme"] = $"p{random.Next(2)}" }),
                    _ => chain.Sign(random.Next(2) == 0 ? "pharmacy-admin" : "harbour-admin", "prescriptions", "collect",
                        new CborMap { ["asset"] = Asset, ["amount"] = (long)random.Next(1, 80) }),
                };
            case 9:
            case 10:
                return chain.Sign(Owner(chain, rx), "prescriptions", "check-in", new CborMap { ["prescription"] = rx });
            default:
                if (random.Next(3) > 0) return null;
                return random.Next(3) switch
                {
                    0 => chain.Sign("board-admin", "licensing", "revoke", new CborMap { ["practitioner"] = chain.Account("dr-rivera").ToString(), ["reason"] = "audit" }),
                    1 => chain.Sign("board-admin", "licensing", "issue", LicenceIssue.For(chain.Account("dr-rivera"), T0).ToArgs()),
                    _ => chain.Sign("dr-okafor", "prescriptions", "renew", new CborMap { ["prescription"] = rx, ["contentHash"] = PrescriptionsActions.ContentHash }),
                };
        }
    }

    /// <summary>The code that opens the current presentation, when it is one of the three the test uses.</summary>
    private static string Codes(string rx, Prescription? r) =>
        Enumerable.Range(0, 3).Select(i => $"code-{i}").FirstOrDefault(c => r?.CodeHash == PrescriptionsContract.CodeHash(rx, c).ToString()) ?? "code-0";

    private static string Owner(TestConsortium chain, string rx) =>
        chain.Get(Prescription.Key(rx)) is { } r && r.Patient == chain.Account("patient-lee") ? "patient-lee" : "patient-jones";

    private static void AssertHold(TestConsortium chain, long supply, string context)
    {
        Assert.True(chain.Supply(Asset) == supply, $"supply changed; {context}");
        Assert.True(Services.ServicesActions.TotalHeld(chain) == supply, $"balances and escrows hold {Services.ServicesActions.TotalHeld(chain)}, supply is {supply}; {context}");
        foreach (var (key, escrow) in chain.View.Scan(Contracts.Tokens.Escrow.All))
            Assert.True(escrow.Amount > 0, $"{key} is not positive; {context}");
        foreach (var (_, rx) in chain.View.Scan(Prescription.All))
        {
            var id = rx.Id;
            Assert.True(chain.Escrow(PrescriptionsContract.PresentedEscrow(id)) == rx.Price, $"{id} presentation escrow is off; {context}");
            Assert.True(rx.FillsLeft is >= 0 && rx.FillsLeft <= rx.Fills, $"{id} fills are off; {context}");
            Assert.True(rx.Dispensed <= rx.Quantity * rx.Fills, $"{id} dispensed too much; {context}");
            Assert.True(rx.Dispensed == (rx.Fills - rx.FillsLeft) * rx.Quantity + (rx.FillsLeft > 0 ? rx.Quantity - rx.Remaining : 0),
                $"{id} dispensed does not match its fills; {context}");
            Assert.True(rx.Taken <= rx.Dispensed, $"{id} took more than dispensed; {context}");
        }
    }
}
