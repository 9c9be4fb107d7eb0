using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace CareLedger.Testing;

/// <summary>
/// A minimal OTLP/HTTP collector on loopback for tests: it takes what nodes export (protobuf POSTs to /v1/traces and
/// /v1/metrics), answers 200, and decodes the few fields tests look at — spans (trace and span ids, parent, name, the
/// exporting node) and metric names. The decoding reads protobuf's wire format directly; unknown fields are skipped.
/// </summary>
public sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();
    private readonly ConcurrentQueue<(string Node, string Metric)> _metrics = new();
    private readonly ConcurrentQueue<byte[]> _bodies = new();
    private readonly Task _loop;

    public OtlpCollector()
    {
        Url = $"http://127.0.0.1:{LoopbackPort.Free()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }
    public IReadOnlyList<CollectedSpan> Spans => [.. _spans];
    public IReadOnlyList<(string Node, string Metric)> Metrics => [.. _metrics];

    /// <summary>Everything exported, as raw bytes, for checks that something never appears in it.</summary>
    public IReadOnlyList<byte[]> Bodies => [.. _bodies];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var bytes = body.ToArray();
                _bodies.Enqueue(bytes);
                if (context.Request.Url?.AbsolutePath == "/v1/traces") ReadTraces(bytes);
                else if (context.Request.Url?.AbsolutePath == "/v1/metrics") ReadMetrics(bytes);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            }
            catch (FormatException)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    // ExportTraceServiceRequest { 1: ResourceSpans { 1: Resource, 2: ScopeSpans { 2: Span } } }
    private void ReadTraces(byte[] body)
    {
        foreach (var resourceSpans in Protobuf.Messages(body, 1))
        {
            var node = NodeOf(resourceSpans);
            foreach (var scopeSpans in Protobuf.Messages(resourceSpans, 2))
                foreach (var span in Protobuf.Messages(scopeSpans, 2))
                {
                    var fields = Protobuf.Fields(span).ToLookup(f => f.Number);
                    string Hex(int n) => fields[n].FirstOrDefault().Bytes is { Length: > 0 } b ? Convert.ToHexStringLower(b) : "";
                    _spans.Enqueue(new CollectedSpan(node, Hex(1), Hex(2), Hex(4),
                        Encoding.UTF8.GetString(fields[5].FirstOrDefault().Bytes ?? []), Attributes(span, 9)));
                }
        }
    }

    // ExportMetricsServiceRequest { 1: ResourceMetrics { 1: Resource, 2: ScopeMetrics { 2: Metric { 1: name } } } }
    private void ReadMetrics(byte[] body)
    {
        foreach (var resourceMetrics in Protobuf.Messages(body, 1))
        {
            var node = NodeOf(resourceMetrics);
            foreach (var scopeMetrics in Protobuf.Messages(resourceMetrics, 2))
                foreach (var metric in Protobuf.Messages(scopeMetrics, 2))
                    _metrics.Enqueue((node, Encoding.UTF8.GetString(Protobuf.Fields(metric).First(f => f.Number == 1).Bytes!)));
        }
    }

    private static string NodeOf(byte[] resourceThing) =>
        Protobuf.Messages(resourceThing, 1).Select(r => Attributes(r, 1).GetValueOrDefault("careledger.node")).FirstOrDefault(n => n is not null) ?? "";

    // KeyValue { 1: key, 2: AnyValue { 1: string_value, 3: int_value } }
    private static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Protobuf.Messages(message, field))
        {
            var kv = Protobuf.Fields(pair).ToList();
            var key = Encoding.UTF8.GetString(kv.First(f => f.Number == 1).Bytes!);
            var value = kv.FirstOrDefault(f => f.Number == 2).Bytes is { } any ? Protobuf.Fields(any).FirstOrDefault() : default;
            attributes[key] = value.Number switch
            {
                1 => Encoding.UTF8.GetString(value.Bytes!),
                3 => ((long)value.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => "",
            };
        }
        return attributes;
    }

    public void Dispose()
    {
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    /// <summary>Protobuf's wire format, enough to walk messages: varints, fixed 32/64-bit values and length-delimited bytes.</summary>
    private static class Protobuf
    {
        public readonly record struct Field(int Number, ulong Varint, byte[]? Bytes);

        public static IEnumerable<byte[]> Messages(byte[] message, int number) => Fields(message).Where(f => f.Number == number && f.Bytes is not null).Select(f => f.Bytes!);

        public static List<Field> Fields(byte[] message)
        {
            var fields = new List<Field>();
            var at = 0;
            while (at < message.Length)
            {
                var tag = ReadVarint(message, ref at);
                var number = (int)(tag >> 3);
                switch (tag & 7)
                {
                    case 0: fields.Add(new Field(number, ReadVarint(message, ref at), null)); break;
                    case 1: fields.Add(new Field(number, BitConverter.ToUInt64(Take(message, ref at, 8)), null)); break;
                    case 5: fields.Add(new Field(number, BitConverter.ToUInt32(Take(message, ref at, 4)), null)); break;
                    case 2: fields.Add(new Field(number, 0, Take(message, ref at, checked((int)ReadVarint(message, ref at))))); break;
                    default: throw new FormatException($"protobuf wire type {tag & 7} is not supported");
                }
            }
            return fields;
        }

        private static byte[] Take(byte[] message, ref int at, int count)
        {
            if (count < 0 || at + count > message.Length) throw new FormatException("protobuf field runs past the end");
            var bytes = message[at..(at + count)];
            at += count;
            return bytes;
        }

        private static ulong ReadVarint(byte[] message, ref int at)
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (at >= message.Length) throw new FormatException("protobuf varint runs past the end");
                var b = message[at++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return value;
            }
            throw new FormatException("protobuf varint is too long");
        }
    }
}

/// <summary>One span as a node exported it: ids in lowercase hex (parent empty for a root), its name and attributes.</summary>
public sealed record CollectedSpan(string Node, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes);
