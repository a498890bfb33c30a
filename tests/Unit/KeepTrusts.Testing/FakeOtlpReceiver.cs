using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

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
        var exports = new ConcurrentQueue<byte[]>();
        var (app, url) = await LoopbackApp.StartAsync(async context =>
        {
            if (context.Request.Method != "POST" || context.Request.Path != "/v1/traces")
            {
                context.Response.StatusCode = 404;
                return;
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
            exports.Enqueue(body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        }).ConfigureAwait(false);
        return new FakeOtlpReceiver(app, url, exports);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
