using System.Runtime.CompilerServices;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KeepTrusts.Gateway.Hosting;

/// <summary>
/// OpenTelemetry tracing for the kt host, wired only when an OTLP endpoint is configured
/// (<c>gateway.telemetry.otlp.endpoint</c>, or the standard OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).
/// Otherwise nothing listens to the engine's ActivitySource and its spans are never created. Listens to the engine's
/// spans (<see cref="GatewayTelemetry.SourceName"/>), ASP.NET Core's server span, which carries the caller's
/// <c>traceparent</c>, and HttpClient's span under each upstream attempt, whose context HttpClient sends to the upstream.
/// </summary>
internal static class GatewayTracing
{
    /// <summary>ASP.NET Core's hosting ActivitySource (the server span of each request).</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    /// <summary>
    /// HttpClient's ActivitySource: while a span is current HttpClient makes a child span for each call and sends that
    /// one's id in traceparent, so it is recorded too, or the upstream's spans would hang off a span nobody exported.
    /// </summary>
    public const string HttpClientSource = "System.Net.Http";

    /// <summary>True when tracing is on for this config and environment.</summary>
    public static bool IsConfigured(PolicyConfig config, Func<string, string?> readEnvironment) =>
        config.Gateway.Telemetry?.Otlp?.Endpoint is { Length: > 0 } ||
        !string.IsNullOrEmpty(readEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT")) ||
        !string.IsNullOrEmpty(readEnvironment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));

    public static void AddWhenConfigured(WebApplicationBuilder builder, PolicyConfig config, Func<string, string?> readEnvironment)
    {
        if (IsConfigured(config, readEnvironment))
        {
            AddTracing(builder, config, readEnvironment);
        }
    }

    // A method of its own so the JIT loads the OpenTelemetry assemblies only when tracing is configured (about 0.5 MB
    // of mapped files and their type data otherwise resident in every kt; bench/README.md, "Round 4").
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddTracing(WebApplicationBuilder builder, PolicyConfig config, Func<string, string?> readEnvironment)
    {
        var otlp = config.Gateway.Telemetry?.Otlp ?? new OtlpOptions();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrEmpty(readEnvironment("OTEL_SERVICE_NAME")))
                {
                    resource.AddService(otlp.ServiceName, serviceVersion: typeof(GatewayTracing).Assembly.GetName().Version?.ToString());
                }
            })
            .WithTracing(tracing => tracing
                .AddSource(GatewayTelemetry.SourceName, AspNetCoreSource, HttpClientSource)
                .AddOtlpExporter(exporter =>
                {
                    if (otlp.Endpoint is { Length: > 0 } endpoint)
                    {
                        // Given as a base URL like the standard variable; OTLP/HTTP takes spans at /v1/traces.
                        exporter.Protocol = otlp.Protocol == OtlpProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                        exporter.Endpoint = otlp.Protocol == OtlpProtocol.Grpc ? new Uri(endpoint) : new Uri(endpoint.TrimEnd('/') + "/v1/traces");
                    }
                }));
    }
}
