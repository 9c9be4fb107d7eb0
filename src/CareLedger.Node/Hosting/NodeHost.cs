using CareLedger.Node.Tokens;
using CareLedger.Node.Live;
using CareLedger.Node.Notifications;
using CareLedger.Node.Api;
using CareLedger.Node.Authentication;
using CareLedger.Node.Chain;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Node.Consortium;
using CareLedger.Node.Demo;
using CareLedger.Node.Disk;
using CareLedger.Node.Fhir;
using CareLedger.Node.Fhir.Smart;
using CareLedger.Node.Prescriptions;
using CareLedger.Node.Records;
using CareLedger.Node.Services;
using Scalar.AspNetCore;

namespace CareLedger.Node.Hosting;

/// <summary>Builds the node's web host: ledger services, the HTTP API, OpenAPI and the portal.</summary>
public static class NodeHost
{
    public const string DefaultUrl = NodeOptions.DefaultUrl;

    private static readonly Dictionary<string, string> Switches = new()
    {
        ["--data"] = $"{NodeOptions.Section}:{nameof(NodeOptions.DataDir)}",
        ["--genesis"] = $"{NodeOptions.Section}:{nameof(NodeOptions.GenesisFile)}",
        ["--etcd"] = $"{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.Etcd)}",
        ["--advertise"] = $"{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.AdvertiseUrl)}",
        ["--etcd-ca"] = $"{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.EtcdCaFile)}",
        ["--etcd-cert"] = $"{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.EtcdCertFile)}",
        ["--etcd-key"] = $"{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.EtcdKeyFile)}",
        ["--etcd-user"] = $"{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.EtcdUser)}",
        ["--etcd-password-file"] = $"{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.EtcdPasswordFile)}",
    };

    /// <summary>The node's own command-line options (ASP.NET's <c>--urls</c> and <c>--Section:Key=value</c> settings come on top).</summary>
    public static IReadOnlyCollection<string> CommandLineSwitches => [.. Switches.Keys, "--resync", "--urls"];

    /// <summary>Flags without a value: <c>--resync</c> rebuilds a damaged or diverged consortium node from the log.</summary>
    private static string[] ExpandFlags(string[] args) =>
        args.SelectMany(a => a == "--resync" ? new[] { $"--{ConsortiumOptions.Section}:{nameof(ConsortiumOptions.Resync)}", "true" } : [a]).ToArray();

    /// <summary>Puts the node together and opens its ledger (<see cref="LedgerServices.OpenLedgerAsync"/>); the host is then ready to start.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken ct = default)
    {
        args = ExpandFlags(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = PortalHosting.ApplicationName, ContentRootPath = AppContext.BaseDirectory, WebRootPath = WebRoot() });
        builder.Configuration.AddCommandLine(args, Switches);
        AddCredentials(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        builder.UsePortalFiles();

        builder.Services.AddOptions<NodeOptions>().Bind(builder.Configuration.GetSection(NodeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ConsortiumOptions>().Bind(builder.Configuration.GetSection(ConsortiumOptions.Section)).ValidateDataAnnotations()
            .ValidateOnStart()
            .PostConfigure(o => o.AdvertiseUrl ??= builder.Configuration["urls"]?.Split(';')[0]);
        var clock = ShiftedClock.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(clock);
        var consortium = Bind<ConsortiumOptions>(builder, ConsortiumOptions.Section);
        var start = NodeStart.Resolve(Bind<NodeOptions>(builder, NodeOptions.Section), consortium.Enabled, consortium.Resync);
        builder.Services.AddLedger(start);
        builder.Services.AddDiskSpace();
        if (start.Consortium) builder.Services.AddConsortium();
        builder.Services.AddRecords();
        if (start.Consortium) builder.Services.AddVaultCopies();
        builder.Services.AddLive();
        builder.Services.AddNotifications();
        builder.Services.AddSingleton<CareLedger.Node.Tokens.TransferHistory>();
        builder.Services.AddSingleton<INodeStartup>(sp => sp.GetRequiredService<CareLedger.Node.Tokens.TransferHistory>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CareLedger.Node.Tokens.TransferHistory>());
        builder.Services.AddFhirApi();
        if (start.Demo) builder.Services.AddDemo();
        builder.Services.AddNodeAuthentication();
        builder.Services.AddReadLimits();
        builder.Services.AddProblemDetails();
        builder.AddNodeTelemetry();
        builder.Services.AddOpenApi(o => DocumentedBody.DescribeBodies(o.DescribeSecurity()));
        configure?.Invoke(builder);

        var app = builder.Build();
        if (clock is ShiftedClock shifted)
            app.Logger.LogWarning("TESTING ONLY: this node's clock is shifted by {Offset} ({Setting}); never set it outside tests", shifted.Offset, ShiftedClock.Setting);
        await app.Services.OpenLedgerAsync(ct);
        if (start.Consortium) await app.Services.CheckEtcdAccessAsync(ct);
        app.UseErrorAnswers();
        app.UseRequestSpans();
        app.Use(RefuseWhileHalted);
        app.UseSmartCors(); // before authentication (a browser's preflight carries no token), and before the 507s, so apps can read them
        app.UseDiskFullRefusal();
        app.UseAuthentication();
        app.UseAuditorLog(); // before authorization, so that an auditor's refused requests are logged too
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        app.MapTransactionsApi();
        app.MapBlocksApi();
        app.MapDirectoryApi();
        app.MapChainApi();
        app.MapRecordsApi();
        app.MapVaultCopiesApi();
        app.MapServicesApi();
        app.MapPrescriptionsApi();
        app.MapFhirApi();
        app.MapSmartApi(); // SMART on FHIR's OAuth endpoints, beside /fhir (not in its group: they take no custodial token)
        app.MapHealthApi();
        app.MapConsortiumApi();
        app.MapDemoIdentitiesApi();
        app.MapLive();
        app.MapNotificationsApi();
        app.MapTokensApi();
        app.MapPortal();
        app.RequireEveryEndpointToNameItsAudience();
        return app;
    }

    /// <summary>A halted consortium node (damaged store, refused block) answers only operators: health, metrics and consortium status.</summary>
    private static async Task RefuseWhileHalted(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if (context.RequestServices.GetService<ConsortiumOrderer>()?.HaltReason is { } reason
            && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/metrics") && !path.StartsWithSegments("/v1/consortium/status"))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await Results.Problem($"This node has halted and serves nothing until an operator acts: {reason}",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Node halted").ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    /// <summary>
    /// Secrets handed over by systemd (<c>LoadCredential=CareLedger__Turn__Secret:/etc/careledger/credentials/turn-secret</c>):
    /// each file in <c>$CREDENTIALS_DIRECTORY</c> is the setting its name says, so no secret sits in the environment, on a
    /// command line or in a file the service user could read outside the service (deploy/, README "Running it for a hospital").
    /// </summary>
    private static void AddCredentials(ConfigurationManager configuration)
    {
        if (Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY") is { Length: > 0 } credentials && Directory.Exists(credentials))
            configuration.AddKeyPerFile(credentials, optional: true);
    }

    /// <summary>Settings as bound from configuration, before the container exists: what decides which parts the node is made of.</summary>
    private static T Bind<T>(WebApplicationBuilder builder, string section) where T : new() => builder.Configuration.GetSection(section).Get<T>() ?? new T();

    private static string WebRoot() => Path.Combine(AppContext.BaseDirectory, "wwwroot");
}
