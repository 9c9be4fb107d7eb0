using System.Diagnostics;
using CareLedger.Ledger.Ordering;
using CareLedger.Node.Chain;
using CareLedger.Node.Consortium;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CareLedger.Node.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics over OTLP (section CareLedger:Telemetry), off unless an endpoint is given. Traces:
/// the HTTP request, a transaction's admission, its wait for a block, the block's execution, ordering and storage
/// (<see cref="LedgerTracing"/>), and the forward to the leader, whose own spans join the same trace through the
/// forward's <c>traceparent</c>. Metrics: the same counters and gauges as /metrics (<see cref="NodeMetrics"/>).
/// Spans carry transaction ids and heights, never a person, a record or a request's query string.
/// </summary>
public static class NodeTelemetry
{
    public const string Section = "CareLedger:Telemetry";
    public const string ServiceName = "careledger-node";

    /// <summary>Settings: where to send (an OTLP/HTTP base URL such as http://collector:4318) and how much of the traffic to trace.</summary>
    public sealed class Options
    {
        /// <summary>The collector's OTLP base URL; empty leaves telemetry off (the standard OTEL_EXPORTER_OTLP_ENDPOINT works too).</summary>
        public string? Otlp { get; set; }

        /// <summary>
        /// The share of requests that start a trace (0 to 1). A request that arrives with a sampled <c>traceparent</c> is
        /// always traced, so a caller can follow one transaction on a node that samples nothing of its own.
        /// </summary>
        public double SampleRatio { get; set; } = 0.01;

        /// <summary>How often the metrics are sent.</summary>
        public int MetricsIntervalSeconds { get; set; } = 15;
    }

    public static void AddNodeTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(Section).Get<Options>() ?? new Options();
        var endpoint = options.Otlp ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return;
        builder.Services.AddSingleton<Enabled>();
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"{Section}:Otlp must be an http(s) URL of an OTLP collector, such as http://127.0.0.1:4318; '{endpoint}' is not");
        if (options.SampleRatio is < 0 or > 1) throw new InvalidOperationException($"{Section}:SampleRatio must be between 0 and 1");
        if (options.MetricsIntervalSeconds is < 1 or > 3600) throw new InvalidOperationException($"{Section}:MetricsIntervalSeconds must be between 1 and 3600");

        // Which node a span comes from: the address other nodes know it by.
        var node = builder.Configuration[$"{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.AdvertiseUrl)}"] ?? builder.Configuration["urls"]?.Split(';')[0] ?? Environment.MachineName;
        void Export(OtlpExporterOptions o, string signal)
        {
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.Endpoint = new Uri(baseUrl, $"v1/{signal}");
        }
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceInstanceId: node).AddAttributes([new("careledger.node", node)]))
            .WithTracing(t => t
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                // ASP.NET Core's and HttpClient's own activity sources: requests in, and the forward to the leader out.
                .AddSource("Microsoft.AspNetCore", "System.Net.Http", LedgerTracing.SourceName)
                .AddProcessor(new WithoutQueryStrings())
                .AddOtlpExporter(o => Export(o, "traces")))
            .WithMetrics(m => m
                .AddMeter(NodeMetrics.MeterName)
                .AddOtlpExporter((o, reader) =>
                {
                    Export(o, "metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.MetricsIntervalSeconds * 1000;
                }));
    }

    private sealed class Enabled;

    /// <summary>
    /// Names a traced request's span by its method and route template (<c>GET /v1/records/{id}</c>: no ids, no query)
    /// and tags it with the status code, as OpenTelemetry's HTTP conventions ask.
    /// </summary>
    public static void UseRequestSpans(this WebApplication app)
    {
        if (app.Services.GetService<Enabled>() is null) return;
        app.Use(async (context, next) =>
        {
            var span = Activity.Current is { OperationName: "Microsoft.AspNetCore.Hosting.HttpRequestIn", Recorded: true } current ? current : null;
            if (span is not null)
            {
                // A group's own route ("/v1/transactions" + "/") reads as the group's path.
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { Length: > 1 } raw ? raw.TrimEnd('/') : "(no route)";
                span.DisplayName = $"{context.Request.Method} {route}";
                span.SetTag("http.request.method", context.Request.Method).SetTag("http.route", route);
            }
            await next(context);
            span?.SetTag("http.response.status_code", context.Response.StatusCode);
        });
    }

    /// <summary>
    /// A query string may name a patient (<c>?patient=…</c>) and a path may hold a record's or a patient's id
    /// (<c>/v1/vault/grants/{patient}/…</c>, when a node fetches from a peer): spans keep the server span's route template
    /// (see <see cref="UseRequestSpans"/>) and, of an outgoing request, only the scheme, host and port.
    /// </summary>
    private sealed class WithoutQueryStrings : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.GetTagItem("url.query") is not null) data.SetTag("url.query", null);
            if (data.GetTagItem("url.path") is not null) data.SetTag("url.path", null);
            if (data.GetTagItem("url.full") is string full && Uri.TryCreate(full, UriKind.Absolute, out var url))
                data.SetTag("url.full", url.GetLeftPart(UriPartial.Authority));
        }
    }
}
