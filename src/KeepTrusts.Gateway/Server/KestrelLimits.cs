using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Upstreams;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// Kestrel's limits from <c>gateway.limits</c>, and OpenAI-shaped bodies for the requests they reject. Kestrel answers
/// its own rejections with an empty body and offers no hook to change that (aspnet/KestrelHttpServer#2947), so the
/// request-line and header limits are enforced twice: at the configured size by a first middleware that writes an
/// OpenAI error (414, 431), and at twice that size by Kestrel itself, the hard bound on what is parsed at all.
/// </summary>
internal static class KestrelLimits
{
    public static void Apply(KestrelServerOptions kestrel, GatewayOptions gateway, TimeSpan requestHeadersTimeout)
    {
        var limits = gateway.Limits;
        kestrel.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes;
        kestrel.Limits.RequestHeadersTimeout = requestHeadersTimeout;
        kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes * 2;
        kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersBytes * 2;
        kestrel.Limits.MaxRequestHeaderCount = MaxRequestHeaderCount * 2;
        kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds);
        kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Header fields per request (Kestrel's own default): over it, a 431 with an OpenAI body; Kestrel's hard bound is
    /// twice that (its empty 431). Fixed, not configurable: no OpenAI or Azure client sends more than a few dozen.
    /// </summary>
    public const int MaxRequestHeaderCount = 100;

    /// <summary>First in the pipeline: 414 and 431 as OpenAI errors for requests over the configured sizes.</summary>
    public static void UseLimitErrors(WebApplication app, GatewayLimitsOptions limits)
    {
        app.Use((context, next) =>
        {
            // From here kt's own code records the request: Kestrel's bad-request event for it is not a second outcome.
            context.Features.Set(ServedRequest.Marker);
            var request = context.Request;
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? string.Empty;
            var lineBytes = request.Method.Length + 1 + target.Length + 1 + request.Protocol.Length;
            if (lineBytes > limits.MaxRequestLineBytes)
            {
                return WriteAsync(context, StatusCodes.Status414RequestUriTooLong,
                    $"The request line is {lineBytes} bytes; the limit is {limits.MaxRequestLineBytes} (gateway.limits.max_request_line_bytes). Send parameters in the JSON body.",
                    "request_line_too_long");
            }

            var headerBytes = 0L;
            var headerCount = 0;
            foreach (var (name, values) in request.Headers)
            {
                foreach (var value in values)
                {
                    headerBytes += name.Length + 2 + (value?.Length ?? 0) + 2;   // "Name: value\r\n"
                    headerCount++;
                }
            }

            if (headerCount > MaxRequestHeaderCount)
            {
                return WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge,
                    $"The request has {headerCount} header fields; the limit is {MaxRequestHeaderCount}. Send fewer headers.",
                    "request_headers_too_large");
            }

            if (headerBytes > limits.MaxRequestHeadersBytes)
            {
                return WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge,
                    $"The request headers are {headerBytes} bytes; the limit is {limits.MaxRequestHeadersBytes} (gateway.limits.max_request_headers_bytes).",
                    "request_headers_too_large");
            }

            return next(context);
        });
    }

    /// <summary>
    /// The error body, and the request's one outcome: a not_routed request (no route was looked at) counted in
    /// kt_requests_total and audited with log_all_access, its path cut in the record (AuditRecord.MaxPathChars).
    /// </summary>
    private static Task WriteAsync(HttpContext context, int status, string message, string code)
    {
        // The connection may hold more of an oversized request: do not reuse it.
        context.Response.Headers.Connection = "close";
        var requestId = ChatEndpoint.RequestId(context);
        context.Response.Headers["x-request-id"] = requestId;
        return ChatEndpoint.RejectAsync(context, context.RequestServices.GetRequiredService<GatewayPipeline>(), UpstreamOperation.NotRouted, InboundDialect.OpenAI, null,
            requestId, null, new GatewayError(status, OpenAIError.InvalidRequest, code, message));
    }
}
