using System.Diagnostics;
using CareLedger.Client.Api;
using CareLedger.Client.Live;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Bench;

/// <summary>
/// How many consultation rooms of two one node's signalling holds: for each step, every room's patient and practitioner
/// join (/v1/rooms, a key proof each, over SignalR WebSockets, no media), all at once but at most <see cref="Concurrency"/>
/// joins in flight; then, with everyone seated, each practitioner sends their patient one offer-sized signal. A join that
/// fails or a signal that does not arrive within 10 s counts as a failed join. The load client runs in the node's process.
/// </summary>
public static class RoomCapacity
{
    public static readonly int[] Steps = [250, 500, 1000, 2000];
    public const int Concurrency = 64;
    private const string Symptoms = "5f2b51c1d2c1b0f6a3e4d5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6";
    private static readonly string Offer = new('o', 2_000); // about an SDP offer's size

    public sealed record Step(int Rooms, int Joins, int Failed, double JoinP50Ms, double JoinP95Ms, double SignalP50Ms, double SignalP95Ms, double Seconds, long WorkingSetMb)
    {
        public double FailedPercent => 100.0 * Failed / Joins;
    }

    private sealed record Room(string Booking, SigningKey Patient, SigningKey Practitioner);

    public static async Task<IReadOnlyList<Step>> RunAsync(BenchNode node, Population population, ServicesSetup setup, CancellationToken ct)
    {
        var rooms = await BookAsync(node.Ledger, population, setup, Steps.Max(), ct);
        var audience = await new NodeClient(node.BaseAddress).AudienceAsync(ct);
        var steps = new List<Step>();
        foreach (var n in Steps)
        {
            steps.Add(await RunStepAsync(node.BaseAddress, audience, rooms.Take(n).ToList(), ct));
            Print(steps[^1]);
        }
        return steps;
    }

    /// <summary>Accepted video bookings, one per room: practitioner p's slot s for patient (p·slots + s) mod patients.</summary>
    private static async Task<List<Room>> BookAsync(BenchLedger ledger, Population population, ServicesSetup setup, int count, CancellationToken ct)
    {
        var nonces = new NonceBook(ledger.Store);
        var expiry = ledger.Clock.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        Transaction Sign(SigningKey sender, string action, CborMap args) =>
            Transaction.Create(sender, ledger.Genesis.ChainId, nonces.Next(sender.Account), expiry, "services", action, args);
        var rooms = new List<Room>();
        var books = new List<Transaction>();
        for (var i = 0; i < count; i++)
        {
            var practitioner = setup.Practitioners[i / setup.SlotStarts.Length];
            var room = new Room($"room-bench-{i}-{Guid.NewGuid():N}"[..32], population.Patients[i % population.Patients.Count], practitioner);
            rooms.Add(room);
            books.Add(Sign(room.Patient, "book", new CborMap
            {
                ["booking"] = room.Booking, ["practitioner"] = practitioner.Account.ToString(), ["start"] = setup.SlotStarts[i % setup.SlotStarts.Length],
                ["mode"] = "video", ["symptoms"] = Symptoms,
            }));
        }
        await Population.CommitAllAsync(ledger.Pool, books, ct);
        await Population.CommitAllAsync(ledger.Pool, rooms.Select(r => Sign(r.Practitioner, "accept", new CborMap { ["booking"] = r.Booking })), ct);
        return rooms;
    }

    private static async Task<Step> RunStepAsync(Uri node, RequestAudience audience, List<Room> rooms, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(Concurrency);
        var joinMs = new List<double>();
        var failed = 0;
        var heard = rooms.ToDictionary(r => r.Booking, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

        async Task<RoomClient?> JoinAsync(Room room, SigningKey key)
        {
            await gate.WaitAsync(ct);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var client = await RoomClient.JoinAsync(node, key, audience, room.Booking, _ => { }, _ => { },
                    (_, _, _) => heard[room.Booking].TrySetResult(Stopwatch.GetTimestamp()), ct: ct);
                lock (joinMs) joinMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return client;
            }
            catch (Exception e) when (e is LiveRefusedException or HttpRequestException or IOException or TimeoutException or InvalidOperationException)
            {
                Interlocked.Increment(ref failed);
                return null;
            }
            finally { gate.Release(); }
        }

        var seated = await Task.WhenAll(rooms.Select(async r => (Room: r, Practitioner: await JoinAsync(r, r.Practitioner), Patient: await JoinAsync(r, r.Patient))));
        var signalMs = new List<double>();
        await Task.WhenAll(seated.Where(s => s.Practitioner is not null && s.Patient is not null).Select(async s =>
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                await s.Practitioner!.SignalAsync(s.Patient!.Connection!, "offer", Offer, ct);
                var at = await heard[s.Room.Booking].Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
                lock (signalMs) signalMs.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
            }
            catch (Exception e) when (e is TimeoutException or Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException)
            {
                Interlocked.Increment(ref failed);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var workingSet = Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024;
        await Task.WhenAll(seated.SelectMany(s => new[] { s.Practitioner, s.Patient }).OfType<RoomClient>().Select(c => c.DisposeAsync().AsTask()));
        return new Step(rooms.Count, rooms.Count * 2, failed, P(joinMs, 0.5), P(joinMs, 0.95), P(signalMs, 0.5), P(signalMs, 0.95), seconds, workingSet);
    }

    private static double P(List<double> values, double p) => values.Count == 0 ? double.NaN : Percentiles.Of(values, p);

    private static void Print(Step s) =>
        Console.WriteLine($"  {s.Rooms,5} rooms of two: {s.Joins - s.Failed,5}/{s.Joins} seated and signalled, {s.FailedPercent:F2} % failed; " +
                          $"join p50 {s.JoinP50Ms:F0} ms p95 {s.JoinP95Ms:F0} ms; signal relayed p50 {s.SignalP50Ms:F1} ms p95 {s.SignalP95Ms:F1} ms; " +
                          $"{s.Seconds:F1} s for the step; bench+node working set {s.WorkingSetMb} MB");
}
