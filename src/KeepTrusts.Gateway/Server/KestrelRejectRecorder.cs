using System.Diagnostics;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Reload;
using KeepTrusts.Engine.Upstreams;
using Microsoft.AspNetCore.Http.Features;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// Gives the requests Kestrel refuses itself (malformed request line or headers, invalid header characters, a missing
/// Host, two Content-Lengths, the hard request-line and header bounds, an unknown HTTP version, a request-headers
/// timeout) the one outcome every request has: counted in kt_requests_total under <c>rejected_by_server</c> and, with
/// log_all_access, audited. The hook is Kestrel's documented DiagnosticSource event
/// <c>Microsoft.AspNetCore.Server.Kestrel.BadRequest</c> (ASP.NET Core 8+, docs "Diagnostics in Kestrel"), whose
/// payload is the connection's feature collection with <see cref="IBadRequestExceptionFeature"/>: Kestrel writes the
/// answer (its empty 400/414/431/505); kt only records it.
/// </summary>
/// <remarks>
/// Kestrel raises the same event for a bad request body the application was reading (kt answered and recorded it:
/// bad_request_body) and while draining a body the application left unread after answering. Those requests carry
/// <see cref="ServedRequest"/>, set by the first middleware, and are skipped, so each request is recorded once.
/// </remarks>
internal sealed class KestrelRejectRecorder : IObserver<KeyValuePair<string, object?>>, IDisposable
{
    public const string EventName = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    /// <summary>Most characters of Kestrel's reason kept.</summary>
    public const int MaxReasonChars = 160;

    private readonly LiveGateway _live;
    private readonly ILogger _logger;
    private readonly IDisposable _subscription;

    public KestrelRejectRecorder(DiagnosticListener listener, LiveGateway live, ILoggerFactory loggers)
    {
        _live = live;
        _logger = loggers.CreateLogger("KeepTrusts.Gateway.ServerRejects");
        // Only this event: ASP.NET Core's hosting asks the same listener per request whether to start an Activity, and
        // the predicate says no to everything else.
        _subscription = listener.Subscribe(this, static name => name == EventName);
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != EventName || value.Value is not IFeatureCollection features || features.Get<ServedRequest>() is not null)
        {
            return;
        }

        try
        {
            Record(features);
        }
        catch (Exception ex)
        {
            // Never let a recording failure reach Kestrel's connection loop: it still answers the client.
            _logger.LogWarning(ex, "Could not record a request the server refused.");
        }
    }

    private void Record(IFeatureCollection features)
    {
        // Read now: Kestrel reuses the collection for the connection's next request once this returns.
        var error = features.Get<IBadRequestExceptionFeature>()?.Error;
        var status = (error as BadHttpRequestException)?.StatusCode ?? StatusCodes.Status400BadRequest;
        var request = features.Get<IHttpRequestFeature>();
        var connection = features.Get<IHttpConnectionFeature>();
        if (_live.TryAcquire() is not { } lease)
        {
            return;   // the gateway is shut down: no pipeline left to record with
        }

        var recorded = lease.Pipeline.RejectAsync(new GatewayRequest
        {
            Operation = UpstreamOperation.RejectedByServer,
            RequestId = RequestIds.New(),
            // Empty when the request line itself was refused: Kestrel had not parsed a method or path yet.
            Method = SafeToken(request?.Method),
            Path = request?.Path ?? string.Empty,
            RemoteAddress = connection?.RemoteIpAddress?.ToString(),
            RejectionReason = Reason(error?.Message),
        }, new GatewayError(status, OpenAIError.InvalidRequest, CodeFor(status), "Refused by the HTTP server before routing."));
        // Not awaited: this runs on Kestrel's connection loop, which must not wait on the audit disk.
        _ = recorded.ContinueWith(static (task, state) =>
        {
            ((GatewayLease)state!).Dispose();
            _ = task.Exception;
        }, lease, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The error code of kt's own answers for the same statuses, so one dashboard query covers both.</summary>
    internal static string CodeFor(int status) => status switch
    {
        StatusCodes.Status408RequestTimeout => "request_headers_timeout",
        StatusCodes.Status411LengthRequired => "length_required",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status414UriTooLong => "request_line_too_long",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "request_headers_too_large",
        StatusCodes.Status505HttpVersionNotsupported => "http_version_not_supported",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        _ => "bad_request",
    };

    /// <summary>
    /// Kestrel's message without any of the request's bytes: its detail (the escaped request line, header or version,
    /// which may hold a key in a query string) follows a colon or sits in quotes, so both are cut; printable ASCII only.
    /// </summary>
    internal static string? Reason(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return null;
        }

        var colon = message.IndexOf(':');
        var head = colon >= 0 ? message[..colon] : message;
        var text = new System.Text.StringBuilder(Math.Min(head.Length, MaxReasonChars));
        var quoted = false;
        foreach (var c in head)
        {
            if (c == '\'')
            {
                quoted = !quoted;
                text.Append(quoted ? "'…" : "'");
                continue;
            }

            if (!quoted && text.Length < MaxReasonChars)
            {
                text.Append(c is >= ' ' and <= '~' ? c : '?');
            }
        }

        return text.ToString().TrimEnd('.', ' ');
    }

    // Kestrel accepts only token characters in a method, but bound it anyway (a custom method up to the line limit).
    private static string SafeToken(string? method) => string.IsNullOrEmpty(method) ? string.Empty : method.Length <= 32 ? method : method[..32];

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public void Dispose() => _subscription.Dispose();
}
