using System.Net;
using System.Text.Json;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
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
/// OpenAI-compatible routes over <see cref="ChatGateway"/>, health, readiness and Prometheus metrics.
/// </summary>
public static class GatewayServer
{
    public const string DefaultListen = "127.0.0.1:8080";

    /// <summary>Builds (does not start) the server for a validated config.</summary>
    public static WebApplication Build(GatewayServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        var (host, port) = ParseListen(options.Listen);
        var config = options.Config;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = config.Gateway.MaxRequestBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(120);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
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

        var metrics = new PrometheusGatewayMetrics();
        metrics.InitializeTargets(config.Providers.Targets.Select(t => t.Id));
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(sp => new ChatGateway(new ChatGatewayOptions
        {
            Config = config,
            Chain = options.Chain ?? PolicyChain.Empty,
            Audit = options.Audit,
            Metrics = metrics,
            Logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("KeepTrusts.Gateway"),
            Handler = options.UpstreamHandler,
            Credentials = sp.GetRequiredService<UpstreamCredentials>(),
        }));
        builder.Services.AddSingleton(options.Credentials ?? new UpstreamCredentials(options.ReadEnvironment ?? Environment.GetEnvironmentVariable));
        builder.Services.AddSingleton(sp => ClientKeyAuthenticator.ForConfig(config, options.ReadEnvironment ?? Environment.GetEnvironmentVariable, sp.GetRequiredService<ILoggerFactory>().CreateLogger("KeepTrusts.Gateway.Keys")));
        builder.Services.AddHostedService(sp => new HealthProbeService(sp.GetRequiredService<ChatGateway>(), options.UpstreamHandler,
            sp.GetRequiredService<UpstreamCredentials>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("KeepTrusts.Gateway.HealthProbe")));

        var app = builder.Build();
        MapRoutes(app, metrics);
        return app;
    }

    /// <summary>The address the server actually bound (after port 0 was resolved).</summary>
    public static string BoundAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    public static (IPAddress Host, int Port) ParseListen(string listen)
    {
        var text = listen.Trim();
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            text = text["http://".Length..].TrimEnd('/');
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 0 or > 65535)
        {
            throw new ArgumentException($"--listen '{listen}' is not host:port (for example 127.0.0.1:8080 or 0.0.0.0:8080)");
        }

        var hostText = text[..colon].Trim('[', ']');
        var host = hostText switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => IPAddress.Any,
            _ when IPAddress.TryParse(hostText, out var address) => address,
            _ => throw new ArgumentException($"--listen host '{hostText}' is not an IP address (use 127.0.0.1, 0.0.0.0, :: or localhost)"),
        };
        return (host, port);
    }

    private static void MapRoutes(WebApplication app, PrometheusGatewayMetrics metrics)
    {
        app.MapPost("/v1/chat/completions", context => HandleAsync(context, UpstreamOperation.ChatCompletions));
        app.MapPost("/v1/embeddings", context => HandleAsync(context, UpstreamOperation.Embeddings));
        app.MapGet("/v1/models", context =>
        {
            if (!Authenticate(context, out _))
            {
                return WriteErrorAsync(context, 401, "Missing or unknown API key. Send it as 'Authorization: Bearer <key>' or 'api-key: <key>'.", OpenAIError.Authentication, "invalid_api_key");
            }

            var gateway = context.RequestServices.GetRequiredService<ChatGateway>();
            var models = gateway.Config.Providers.Targets
                .GroupBy(t => t.Model, StringComparer.Ordinal)
                .Select(g => new { id = g.Key, @object = "model", created = 0, owned_by = "keeptrusts", targets = g.Select(t => t.Id).ToArray() });
            return context.Response.WriteAsJsonAsync(new { @object = "list", data = models });
        });
        app.MapGet("/healthz", context => context.Response.WriteAsJsonAsync(new { status = "live" }));
        app.MapGet("/readyz", context =>
        {
            var gateway = context.RequestServices.GetRequiredService<ChatGateway>();
            var targets = gateway.Router.Targets.Select(t => new
            {
                id = t.Id,
                circuit = t.Breaker.State.ToString().ToLowerInvariant(),
                available = t.Breaker.IsAvailable,
                probe = t.ProbeHealthy switch { true => "healthy", false => "unhealthy", _ => "unknown" },
            }).ToArray();
            context.Response.StatusCode = gateway.IsReady ? 200 : 503;
            return context.Response.WriteAsJsonAsync(new { status = gateway.IsReady ? "ready" : "unavailable", pack = gateway.Config.Pack.Name, targets });
        });
        app.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        app.MapFallback(context => WriteErrorAsync(context, 404,
            $"Unknown route {context.Request.Method} {context.Request.Path}. Routes: POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models, /healthz, /readyz, /metrics.",
            OpenAIError.InvalidRequest, "unknown_route"));
    }

    private static async Task HandleAsync(HttpContext context, UpstreamOperation operation)
    {
        var requestId = RequestId(context);
        context.Response.Headers["x-request-id"] = requestId;
        if (!Authenticate(context, out var clientKeyId))
        {
            await WriteErrorAsync(context, 401, "Missing or unknown API key. Send it as 'Authorization: Bearer <key>' or 'api-key: <key>'.", OpenAIError.Authentication, "invalid_api_key").ConfigureAwait(false);
            return;
        }

        var contentType = context.Request.ContentType;
        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, 415, $"Content-Type must be application/json (got '{contentType ?? "none"}').", OpenAIError.InvalidRequest, "unsupported_media_type").ConfigureAwait(false);
            return;
        }

        var gateway = context.RequestServices.GetRequiredService<ChatGateway>();
        var limit = gateway.Config.Gateway.MaxRequestBodyBytes;
        if (context.Request.ContentLength is { } length && length > limit)
        {
            await WriteErrorAsync(context, 413, $"The request body is {length} bytes; the limit is {limit} (gateway.max_request_body_bytes).", OpenAIError.InvalidRequest, "request_too_large").ConfigureAwait(false);
            return;
        }

        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == 413)
        {
            await WriteErrorAsync(context, 413, $"The request body is larger than the limit of {limit} bytes (gateway.max_request_body_bytes).", OpenAIError.InvalidRequest, "request_too_large").ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException ex)
        {
            await WriteErrorAsync(context, ex.StatusCode, "The request body could not be read: the client sent it too slowly or broke it off.", OpenAIError.InvalidRequest, "bad_request_body").ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return;
        }

        var response = await gateway.HandleAsync(new GatewayRequest
        {
            Operation = operation,
            Body = body,
            RequestId = requestId,
            ClientKeyId = clientKeyId,
            Path = context.Request.Path.Value ?? string.Empty,
        }, context.RequestAborted).ConfigureAwait(false);

        context.Response.StatusCode = response.Status == 499 ? 400 : response.Status;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (response.StreamTo is { } streamTo)
        {
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await streamTo(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        try
        {
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client left before the answer was written; the audit record was already made.
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var initial = request.ContentLength is { } length ? (int)Math.Min(length, limit) : 16 * 1024;
        using var buffer = new MemoryStream(initial);
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length > limit)
        {
            throw new BadHttpRequestException("too large", 413);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static bool Authenticate(HttpContext context, out string? clientKeyId)
    {
        var authenticator = context.RequestServices.GetRequiredService<ClientKeyAuthenticator>();
        clientKeyId = null;
        if (!authenticator.Enabled)
        {
            return true;
        }

        clientKeyId = authenticator.Authenticate(context.Request.Headers.Authorization.ToString(), context.Request.Headers["api-key"].ToString());
        return clientKeyId is not null;
    }

    private static string RequestId(HttpContext context)
    {
        var given = context.Request.Headers["x-request-id"].ToString();
        // Only a short token-like id is echoed back, so a client cannot inject text into headers or logs.
        return given.Length is > 0 and <= 64 && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? given
            : Guid.NewGuid().ToString("N");
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string message, string type, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(OpenAIError.Body(message, type, code)).AsTask();
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
