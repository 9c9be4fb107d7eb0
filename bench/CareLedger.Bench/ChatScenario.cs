using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CareLedger.Client.Api;
using CareLedger.Client.Live;
using CareLedger.Client.Services;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Bench;

/// <summary>
/// The consultation chat end to end (ADR 0019), as two portals do it, over HTTP and SignalR: pairs of a patient and a
/// practitioner with an accepted booking each play ping-pong. A message is written (validate, encrypt for both, records.add
/// committed, upload), the other party hears the live notice naming its record, fetches it (a signed, consent-checked,
/// logged read) and decrypts it, then answers. Reports messages delivered per second and the send-to-decrypted latency.
/// </summary>
public static class ChatScenario
{
    public sealed record Figures(int Pairs, int Delivered, double Seconds, double MessagesPerSecond, double P50Ms, double P99Ms, int Retried);

    public static async Task<Figures> RunAsync(BenchNode bench, Population population, int pairs, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var node = bench.Ledger;
        using var setup = await ServicesSetup.CreateAsync(node, population, pairs, ct);
        var patients = population.Patients.Take(pairs).ToList();
        await RecordsScenario.PublishKeysAsync(node, [.. patients, .. setup.Practitioners], ct);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = bench.BaseAddress };
        var client = new NodeClient(http);
        var audience = await client.AudienceAsync(ct);
        var services = new ServicesClient(client);
        var bookings = await Task.WhenAll(Enumerable.Range(0, pairs).Select(async i =>
        {
            var id = $"chat-bench-{i}";
            await services.BookAsync(patients[i], new BookingRequest(id, setup.Practitioners[i].Account.ToString(), setup.SlotStarts[0], "video", new string('c', 64)), ct);
            await services.AcceptAsync(setup.Practitioners[i], id, ct);
            return (await services.As(patients[i]).GetBookingAsync(id, ct))!;
        }));

        var latencies = new ConcurrentBag<double>();
        var retried = 0;
        var measuring = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var delivered = 0;
        var runs = Enumerable.Range(0, pairs).Select(i => PingPongAsync(bookings[i], patients[i], setup.Practitioners[i])).ToList();
        await Task.Delay(warmup, ct);
        Volatile.Write(ref measuring, true);
        clock.Restart();
        await Task.Delay(duration, ct);
        var seconds = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref measuring, false);
        await stop.CancelAsync();
        try { await Task.WhenAll(runs); } catch (OperationCanceledException) { }

        var all = latencies.ToList();
        return new Figures(pairs, delivered, seconds, delivered / seconds, Percentiles.Of(all, 0.5), Percentiles.Of(all, 0.99), retried);

        async Task PingPongAsync(Booking booking, SigningKey patient, SigningKey practitioner)
        {
            var chat = new ConsultationChat(client);
            var inbox = new Dictionary<AccountId, System.Threading.Channels.Channel<string>>
            {
                [patient.Account] = System.Threading.Channels.Channel.CreateUnbounded<string>(),
                [practitioner.Account] = System.Threading.Channels.Channel.CreateUnbounded<string>(),
            };
            await using var patientLive = await LiveClient.ConnectAsync(bench.BaseAddress, patient, audience, n => Hear(n, patient.Account));
            await using var practitionerLive = await LiveClient.ConnectAsync(bench.BaseAddress, practitioner, audience, n => Hear(n, practitioner.Account));
            var (from, to) = (patient, practitioner);
            while (!stop.IsCancellationRequested)
            {
                var sendAt = Stopwatch.GetTimestamp();
                var sent = await chat.SendAsync(from, booking, "How is the pain today, from 1 to 10?", stop.Token);
                string record;
                do { record = await inbox[to.Account].Reader.ReadAsync(stop.Token); } while (record != sent.Record);
                await ReadWhenUploadedAsync(chat, to, record, stop.Token);
                if (Volatile.Read(ref measuring))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(sendAt).TotalMilliseconds);
                    Interlocked.Increment(ref delivered);
                }
                (from, to) = (to, from);
            }

            void Hear(LiveNotice n, AccountId who)
            {
                if (n.Kind == "message" && n.About.GetValueOrDefault("booking") == booking.Id) inbox[who].Writer.TryWrite(n.About["record"]);
            }
        }

        async Task ReadWhenUploadedAsync(ConsultationChat chat, SigningKey reader, string record, CancellationToken token)
        {
            // The notice comes with the block; the sender uploads the ciphertext right after it, so the first read may find none.
            while (true)
            {
                try { await chat.ReadAsync(reader, record, token); return; }
                catch (NodeApiException e) when (e.Status == HttpStatusCode.Conflict)
                {
                    Interlocked.Increment(ref retried);
                    await Task.Delay(5, token);
                }
            }
        }
    }

    public static void Print(Figures f)
    {
        Console.WriteLine();
        Console.WriteLine($"chat: {f.Pairs} pairs playing ping-pong, {f.Delivered} messages delivered in {f.Seconds:F1} s = {f.MessagesPerSecond:F1} messages/s end to end " +
                          $"(send: encrypt, records.add committed, upload; the other side: live notice, signed logged read, decrypt); " +
                          $"latency p50 {f.P50Ms:F0} ms, p99 {f.P99Ms:F0} ms; {f.Retried} reads retried before the upload landed");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            chat_pairs = f.Pairs, chat_delivered = f.Delivered, chat_messages_per_s = Math.Round(f.MessagesPerSecond, 1),
            chat_p50_ms = Math.Round(f.P50Ms, 1), chat_p99_ms = Math.Round(f.P99Ms, 1), chat_retried = f.Retried,
        }));
    }
}
