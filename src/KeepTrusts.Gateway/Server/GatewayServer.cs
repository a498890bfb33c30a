using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Reload;
using KeepTrusts.Gateway.Hosting;
using KeepTrusts.Engine.State;
using KeepTrusts.Engine.Hosting;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// Builds the kt gateway: Kestrel with limits that keep slow or huge clients from hurting others, the
/// OpenAI and Azure OpenAI routes over <see cref="GatewayPipeline"/>, health, readiness and Prometheus metrics.
/// </summary>
public static class GatewayServer
{
    public const string DefaultListen = ListenAddress.Default;

    /// <summary>Builds (does not start) the server for a validated config.</summary>
    public static WebApplication Build(GatewayServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var (host, port) = ParseListen(options.Listen);
        var config = options.Config;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            KestrelLimits.Apply(kestrel, config.Gateway, options.RequestHeadersTimeout);
            kestrel.Listen(host, port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds));
        builder.Logging.ClearProviders();
        if (options.JsonLogs)
        {
            builder.Logging.AddJsonConsole();
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        builder.Logging.SetMinimumLevel(options.Quiet ? LogLevel.Warning : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", options.Quiet ? LogLevel.Warning : LogLevel.Information);
        if (!GatewayTracing.IsConfigured(config, options.ReadEnvironment ?? Environment.GetEnvironmentVariable))
        {
            // ASP.NET Core starts an Activity (and a log scope) for every request while its hosting logger is enabled at
            // any level, and HttpClient then makes a child Activity per upstream call: work and allocations on every
            // request for spans nobody exports. That logger writes "Request starting/finished" at Information, which kt
            // never shows, and start-up failures, which are thrown to kt's command line and reported there (a port in use:
            // GatewayRunCommand). With tracing configured it stays on: the server span carries the caller's trace.
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        }

        var metrics = new PrometheusGatewayMetrics();
        metrics.InitializeTargets(config.Providers.Targets.Select(t => t.Id));
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(options.Credentials ?? new UpstreamCredentials(options.ReadEnvironment ?? Environment.GetEnvironmentVariable));
        if (options.Composition is { } given)
        {
            // The caller (kt's command line) owns it and disposes it after the server stops.
            builder.Services.AddSingleton(given);
        }
        else
        {
            // Built here from the parts given (tests): the container owns it and disposes it with the app.
            builder.Services.AddSingleton(sp => GatewayComposition.Borrowing(options.Chain ?? PolicyChain.Empty, options.Audit, options.UpstreamHandler, config,
                options.ReadEnvironment, sp.GetRequiredService<ILoggerFactory>().CreateLogger("KeepTrusts.Gateway.State")));
        }

        // The config in force is a generation that a live reload can replace: each request leases the generation current
        // when it starts (its pipeline and key check, for the whole request, stream included) and the lease ends with
        // the request's scope; a replaced generation is released once its last request is done.
        builder.Services.AddSingleton(sp => new GatewayGenerationFactory(metrics, sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<UpstreamCredentials>(), options.ReadEnvironment ?? Environment.GetEnvironmentVariable));
        builder.Services.AddSingleton(sp => new LiveGateway(sp.GetRequiredService<GatewayGenerationFactory>()
            .Create(0, config, sp.GetRequiredService<GatewayComposition>(), releaseChain: true)));
        builder.Services.AddScoped(sp => sp.GetRequiredService<LiveGateway>().Acquire());
        builder.Services.AddScoped(sp => sp.GetRequiredService<GatewayLease>().Pipeline);
        builder.Services.AddHostedService(sp => new HealthProbeService(sp.GetRequiredService<LiveGateway>(), sp.GetRequiredService<GatewayComposition>().Http,
            sp.GetRequiredService<UpstreamCredentials>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("KeepTrusts.Gateway.HealthProbe")));
        if (options.ConfigPath is { } configPath)
        {
            builder.Services.AddSingleton(sp => new ConfigReloader(configPath, sp.GetRequiredService<LiveGateway>(), sp.GetRequiredService<GatewayGenerationFactory>(),
                sp.GetRequiredService<GatewayComposition>(), metrics.Registry, sp.GetRequiredService<ILoggerFactory>().CreateLogger("KeepTrusts.Gateway.Reload")));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ConfigReloader>());
        }

        GatewayTracing.AddWhenConfigured(builder, config, options.ReadEnvironment ?? Environment.GetEnvironmentVariable);

        if ((options.Composition?.Audit ?? options.Audit) is AuditLogWriter { Shipper: { } shipper })
        {
            builder.Services.AddSingleton(shipper);
            AuditShippingMetrics.Register(metrics.Registry, shipper);
        }

        // Requests Kestrel refuses itself get their outcome too; the container disposes (unsubscribes) it.
        builder.Services.AddSingleton(sp => new KestrelRejectRecorder(sp.GetRequiredService<System.Diagnostics.DiagnosticListener>(),
            sp.GetRequiredService<LiveGateway>(), sp.GetRequiredService<ILoggerFactory>()));

        var app = builder.Build();
        app.Services.GetRequiredService<KestrelRejectRecorder>();
        KestrelLimits.UseLimitErrors(app, config.Gateway.Limits);
        MapRoutes(app, metrics);
        return app;
    }

    /// <summary>The address the server actually bound (after port 0 was resolved).</summary>
    public static string BoundAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>The one listen grammar (<see cref="ListenAddress"/>); throws ArgumentException with a one-sentence fix.</summary>
    public static (IPAddress Host, int Port) ParseListen(string listen)
    {
        var address = ListenAddress.Parse(listen);
        return (address.Host, address.Port);
    }

    private static void MapRoutes(WebApplication app, PrometheusGatewayMetrics metrics)
    {
        GatewayRoutes.Map(app);
        app.MapGet("/healthz", context => context.Response.WriteAsJsonAsync(new JsonObject { ["status"] = "live" }, KtJson.Default.JsonObject));
        app.MapGet("/readyz", context =>
        {
            var pipeline = context.RequestServices.GetRequiredService<GatewayPipeline>();
            // JsonObject, not anonymous types: a Native AOT kt has no reflection-based serializer (KtJson).
            var targets = new JsonArray(pipeline.Router.Targets.Select(t => (JsonNode)new JsonObject
            {
                ["id"] = t.Id,
                ["circuit"] = t.Breaker.State.ToString().ToLowerInvariant(),
                ["available"] = t.Health.IsAvailable,
                ["probe"] = t.Health.ProbeHealthy switch { true => "healthy", false => "unhealthy", _ => "unknown" },
            }).ToArray());
            // A failing audit copy degrades readiness but does not fail it: the local log still holds every record.
            var shipping = context.RequestServices.GetService<AuditBlobShipper>()?.Status;
            var auditShipping = shipping is null ? null : new JsonObject { ["status"] = shipping.Degraded ? "degraded" : "ok", ["lag_bytes"] = shipping.LagBytes, ["failures"] = shipping.Failures, ["last_error"] = shipping.LastError };
            context.Response.StatusCode = pipeline.IsReady ? 200 : 503;
            // Shared state that cannot reach Redis degrades readiness too: limits fall back to per-replica (or deny).
            var state = pipeline.State.Health;
            var status = !pipeline.IsReady ? "unavailable" : shipping is { Degraded: true } || state == GatewayStateHealth.Degraded ? "degraded" : "ready";
            return context.Response.WriteAsJsonAsync(
                new JsonObject { ["status"] = status, ["pack"] = pipeline.Config.Pack.Name, ["targets"] = targets, ["audit_shipping"] = auditShipping, ["state"] = state.ToString().ToLowerInvariant() },
                KtJson.Default.JsonObject);
        });
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        // Every path, not MapFallback's default {*path:nonfile}: that skips a file-like last segment ("/v1/x.json"), which
        // then got ASP.NET Core's empty 404 and no record.
        app.MapFallback("{**path}", GatewayRoutes.UnknownRouteAsync);
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
