using CareLedger.Contracts.Services;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;
using static CareLedger.Contracts.Tests.Services.ServicesWorld;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Services;

/// <summary>
/// Seeded random sequences of bookings, acceptances, declines, cancellations, consultations,
/// acknowledgements, disputes and their resolutions, second opinions, treasury moves, coverage
/// changes, licence revocations and jumps of block time (often exactly onto a cancellation,
/// no-show or acknowledgement boundary). After every step: per asset, balances plus escrows equal
/// the supply, which never changes; nothing is negative; every booking and case holds in escrow
/// exactly what its status says; and a refused step changes nothing.
/// </summary>
public sealed class ConservationPropertyTests
{
    private const int Sequences = 200;
    private const int StepsPerSequence = 150;
    private static readonly string[] Patients = ["patient-jones", "patient-lee"];
    private static readonly string[] Practitioners = ["dr-rivera", "dr-okafor"];
    private static readonly string[] Admins = ["insurer-admin", "operator-admin", "clinic-admin"];
    private static readonly long[] OkaforSlots = [.. Enumerable.Range(0, 40).Select(i => T0 + Day + i * 5 * Hour)];

    [Fact]
    public void RandomSequences_ForManySeeds_NeverCreateOrLoseMoney()
    {
        var coverage = new Tally();

        for (var seed = 1; seed <= Sequences; seed++) new Sequence(seed, coverage).Run();

        foreach (var step in new[] { "book", "accept", "decline", "cancel", "start", "end", "complete", "acknowledge", "dispute", "resolve", "rate", "opinions", "treasury", "coverage", "transfer" })
            Assert.True(coverage.Valid.GetValueOrDefault(step) >= 20, $"the generator made only {coverage.Valid.GetValueOrDefault(step)} valid '{step}' steps");
        foreach (var status in new[] { BookingStatus.Released, BookingStatus.Declined, BookingStatus.Cancelled, BookingStatus.Expired, BookingStatus.NoShow, BookingStatus.Resolved })
            Assert.True(coverage.Statuses.GetValueOrDefault(status) >= 20, $"only {coverage.Statuses.GetValueOrDefault(status)} bookings ended {status}");
    }

    /// <summary>What the sequences exercised, so that a generator that only ever gets refused cannot pass unnoticed.</summary>
    private sealed class Tally
    {
        public Dictionary<string, int> Valid { get; } = [];
        public Dictionary<string, int> Statuses { get; } = [];
    }

    private sealed class Sequence(int seed, Tally tally)
    {
        private readonly Random _random = new(seed);
        private readonly List<string> _booked = [];
        private TestConsortium _chain = null!;
        private string[] _caseRecords = [];
        private long _supply;

        public void Run()
        {
            using var chain = _chain = new ServicesWorld().Open();
            Arrange();
            _supply = _chain.Supply(Asset);
            for (var step = 0; step < StepsPerSequence; step++)
            {
                var before = _chain.Holdings();
                var (name, results) = Step();
                var context = $"seed {seed}, step {step}: {name} -> {string.Join("; ", results.Select(r => r.Valid ? "valid" : r.Reason))}";
                if (results.Count > 0 && results.All(r => !r.Valid))
                    Assert.True(before.SequenceEqual(_chain.Holdings()), $"a refused step changed state; {context}");
                else if (results.Count > 0 && results[^1].Valid)
                    tally.Valid[name] = tally.Valid.GetValueOrDefault(name) + 1;
                ServicesInvariants.AssertHold(_chain, _supply, context);
            }
            foreach (var (_, booking) in _chain.View.Scan(Booking.All))
                tally.Statuses[booking.Status] = tally.Statuses.GetValueOrDefault(booking.Status) + 1;
        }

        private void Arrange()
        {
            Verdict.Valid(_chain.PublishProfile("dr-okafor", price: 70, modes: ["video"]));
            Verdict.Valid(_chain.AddSlots("dr-okafor", OkaforSlots, minutes: 60));
            _caseRecords = [_chain.AddRecord("patient-jones", "patient-jones", "Observation")];
            AssertAllValid(_chain.Commit(
                _chain.GrantSign("patient-jones", "dr-okafor", "second-opinion", records: _caseRecords),
                _chain.GrantSign("patient-jones", "dr-sato", "second-opinion", records: _caseRecords),
                _chain.Sign("insurer-admin", "services", "deposit", new CborMap { ["asset"] = Asset, ["amount"] = 1_000L }),
                Coverage("patient-jones", 400)));
        }

        private (string Name, IReadOnlyList<TxResult> Results) Step()
        {
            var pick = _random.Next(28);
            return pick switch
            {
                >= 24 => Progress(),
                < 5 => Do("book", Book()),
                < 7 => Do("accept", OnBooking("practitioner", "accept")),
                7 => Do("decline", OnBooking("practitioner", "decline")),
                8 => Do("cancel", OnBooking("patient", "cancel")),
                9 => Do("start", OnBooking("practitioner", "start-consultation")),
                10 => Do("end", OnBooking("practitioner", "end-consultation")),
                11 => Do("complete", Complete()),
                12 => Do("acknowledge", OnBooking("patient", "acknowledge")),
                13 => Do("dispute", OnBooking(_random.Next(2) == 0 ? "patient" : "practitioner", "dispute", new CborMap { ["reason"] = "disagreement" })),
                14 => Do("resolve", OnBooking("ombudsman", "resolve", Decision())),
                < 18 => Advance(),
                18 => Do("rate", OnBooking("patient", "rate", new CborMap { ["score"] = (long)_random.Next(0, 7) })),
                19 => Do("opinions", _random.Next(2) == 0 ? RequestOpinions() : SubmitOpinion()),
                20 => Do("treasury", Treasury()),
                21 => Do("coverage", Coverage(Patient(), _random.Next(-1, 500))),
                22 => Do("transfer", _chain.Sign(Patient(), "tokens", "transfer", new CborMap
                {
                    ["asset"] = Asset, ["to"] = _chain.Account(Patient()).ToString(), ["amount"] = (long)_random.Next(-5, 1_200),
                })),
                _ => Licence(),
            };
        }

        private (string, IReadOnlyList<TxResult>) Do(string name, params Transaction[] txs) => (name, _chain.Commit(txs).Results);

        private string Patient() => Patients[_random.Next(Patients.Length)];
        private string Practitioner() => Practitioners[_random.Next(Practitioners.Length)];

        private string BookingId() =>
            _booked.Count > 0 && _random.Next(5) > 0 ? _booked[_random.Next(_booked.Count)] : $"b{_random.Next(40)}";

        private Transaction Book()
        {
            var practitioner = Practitioner();
            var start = practitioner == "dr-rivera" ? Slot(_random.Next(10)) : OkaforSlots[_random.Next(OkaforSlots.Length)];
            var id = $"b{_random.Next(40)}";
            if (!_booked.Contains(id)) _booked.Add(id);
            return _chain.BookSign(Patient(), id, practitioner, start, insurer: _random.Next(3) == 0 ? "care-insurance" : null);
        }

        /// <summary>A step on a booking, usually by its own patient or practitioner (as <paramref name="party"/> says), sometimes by someone else.</summary>
        private Transaction OnBooking(string party, string action, CborMap? extra = null)
        {
            var id = BookingId();
            var booking = _chain.Get(Booking.Key(id));
            var sender = party switch
            {
                "patient" => booking is not null && _random.Next(5) > 0 ? NameOf(booking.Patient) : Patient(),
                "practitioner" => booking is not null && _random.Next(5) > 0 ? NameOf(booking.Practitioner) : Practitioner(),
                _ => party,
            };
            var args = new CborMap { ["booking"] = id };
            foreach (var (key, value) in extra ?? []) args[key] = value;
            return _chain.Sign(sender, "services", action, args);
        }

        private CborMap Decision()
        {
            var decision = DisputeDecisions.All[_random.Next(3)];
            var args = new CborMap { ["decision"] = decision };
            if (decision == DisputeDecisions.Split || _random.Next(8) == 0) args["refund"] = (long)_random.Next(-1, 102);
            return args;
        }

        /// <summary>The booking's practitioner adds an Encounter and completes it with that record, in one block.</summary>
        private Transaction[] Complete(string? bookingId = null)
        {
            var id = bookingId ?? BookingId();
            var booking = _chain.Get(Booking.Key(id));
            var practitioner = booking is null ? Practitioner() : NameOf(booking.Practitioner);
            var patient = booking is null ? Patient() : NameOf(booking.Patient);
            var record = NewRecordId();
            return
            [
                _chain.Sign(practitioner, "records", "add", new CborMap
                {
                    ["record"] = record, ["patient"] = _chain.Account(patient).ToString(), ["type"] = "Encounter",
                    ["contentHash"] = ServicesActions.Symptoms, ["keysHash"] = ServicesActions.Symptoms,
                }),
                _chain.Sign(practitioner, "services", "complete", new CborMap { ["booking"] = id, ["summary"] = record }),
            ];
        }

        /// <summary>Takes a live booking one natural step further, by the right party, waiting for its slot if need be.</summary>
        private (string, IReadOnlyList<TxResult>) Progress()
        {
            var live = _chain.View.Scan(Booking.All).Select(e => e.Value).Where(b => BookingStatus.HoldsEscrow(b.Status)).ToList();
            if (live.Count == 0) return Do("book", Book());
            var booking = live[_random.Next(live.Count)];
            var id = booking.Id;
            var practitioner = NameOf(booking.Practitioner);
            Transaction Act(string sender, string action, CborMap? extra = null)
            {
                var args = new CborMap { ["booking"] = id };
                foreach (var (key, value) in extra ?? []) args[key] = value;
                return _chain.Sign(sender, "services", action, args);
            }
            var earliest = booking.Start - 15 * 60_000;
            return booking.Status switch
            {
                BookingStatus.Requested => Do("accept", Act(practitioner, "accept")),
                BookingStatus.Accepted when _chain.Time < earliest => WaitUntil(earliest + _random.Next(0, 30) * 60_000L),
                BookingStatus.Accepted => Do("start", Act(practitioner, "start-consultation")),
                BookingStatus.InProgress => Do("end", Act(practitioner, "end-consultation")),
                BookingStatus.Ended => Do("complete", Complete(id)),
                BookingStatus.Completed => _random.Next(2) == 0
                    ? Do("acknowledge", Act(NameOf(booking.Patient), "acknowledge"))
                    : Do("rate", Act(NameOf(booking.Patient), "rate", new CborMap { ["score"] = (long)_random.Next(1, 6) })),
                _ => Do("resolve", Act("ombudsman", "resolve", Decision())),
            };
        }

        private (string, IReadOnlyList<TxResult>) WaitUntil(long time)
        {
            _chain.AdvanceTo(time);
            _chain.Tick();
            return ("time", []);
        }

        private static string NewRecordId() => ServicesActions.NewRecordId();

        private string NameOf(AccountId account) => Patients.Concat(Practitioners).First(n => _chain.Account(n) == account);

        /// <summary>Moves block time on, often exactly onto a boundary some booking cares about, and lets due steps run.</summary>
        private (string, IReadOnlyList<TxResult>) Advance()
        {
            var bookings = _chain.View.Scan(Booking.All).Select(e => e.Value).ToList();
            var target = _chain.Time + _random.Next(4) switch
            {
                0 => _random.Next(1, 90) * 60_000L,
                1 => _random.Next(1, 30) * Hour,
                _ => 0,
            };
            if (target == _chain.Time && bookings.Count > 0)
            {
                var booking = bookings[_random.Next(bookings.Count)];
                var start = booking.Start;
                long[] boundaries = [start - 24 * Hour, start - 15 * 60_000, start, start + 5 * 60_000, start + 15 * 60_000, booking.Due];
                target = boundaries[_random.Next(boundaries.Length)] + _random.Next(-1, 2);
            }
            _chain.AdvanceTo(Math.Max(_chain.Time, target));
            _chain.Tick();
            return ("time", []);
        }

        private Transaction RequestOpinions()
        {
            string[] doctors = ["dr-okafor", "dr-sato", "dr-rivera"];
            var asked = doctors.Where(_ => _random.Next(2) == 0).Take(_random.Next(1, 3)).ToList();
            return _chain.Sign("patient-jones", "services", "request-opinions", new CborMap
            {
                ["case"] = $"c{_random.Next(6)}", ["records"] = _caseRecords.Cast<object>().ToList(),
                ["practitioners"] = asked.Select(d => (object)_chain.Account(d).ToString()).ToList(),
                ["fee"] = (long)_random.Next(0, 300), ["asset"] = Asset, ["deadline"] = _chain.Time + _random.Next(1, 4) * Day,
            });
        }

        private Transaction SubmitOpinion()
        {
            string[] doctors = ["dr-okafor", "dr-sato", "dr-rivera"];
            return _chain.Sign(doctors[_random.Next(3)], "services", "submit-opinion", new CborMap
            {
                ["case"] = $"c{_random.Next(6)}", ["contentHash"] = ServicesActions.Symptoms,
            });
        }

        private Transaction Treasury() =>
            _chain.Sign(Admins[_random.Next(Admins.Length)], "services", _random.Next(2) == 0 ? "deposit" : "withdraw",
                new CborMap { ["asset"] = Asset, ["amount"] = (long)_random.Next(-1, 1_500) });

        private Transaction Coverage(string patient, long limit) =>
            _chain.Sign("insurer-admin", "services", "set-coverage", new CborMap { ["patient"] = _chain.Account(patient).ToString(), ["asset"] = Asset, ["limit"] = limit });

        /// <summary>Revokes or renews dr-okafor's licence; the next block cancels their open bookings if it lapsed.</summary>
        private (string, IReadOnlyList<TxResult>) Licence()
        {
            var okafor = _chain.Account("dr-okafor");
            var result = _random.Next(2) == 0
                ? _chain.Revoke("board-admin", okafor)
                : _chain.Issue("board-admin", LicenceIssue.For(okafor, T0));
            _chain.Tick();
            return ("licence", []);
        }

    }
}
