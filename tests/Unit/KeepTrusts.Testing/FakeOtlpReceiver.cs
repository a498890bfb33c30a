using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Testing;

/// <summary>
/// A local OpenTelemetry collector stand-in (OTLP/HTTP on loopback): keeps the protobuf body of every POST to
/// /v1/traces and answers 200, so a test can check which spans a real kt process exported.
/// </summary>
public sealed class FakeOtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOtlpReceiver(WebApplication app, string baseUrl, ConcurrentQueue<byte[]> exports)
    {
        _app = app;
        BaseUrl = baseUrl;
        TraceExports = exports;
    }

    /// <summary>http://127.0.0.1:port, the value for gateway.telemetry.otlp.endpoint.</summary>
    public string BaseUrl { get; }

    /// <summary>The body of each export (an ExportTraceServiceRequest, protobuf), in arrival order.</summary>
    public ConcurrentQueue<byte[]> TraceExports { get; }

    public static async Task<FakeOtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var exports = new ConcurrentQueue<byte[]>();
        app.MapPost("/v1/traces", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
            exports.Enqueue(body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeOtlpReceiver(app, address.TrimEnd('/'), exports);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
