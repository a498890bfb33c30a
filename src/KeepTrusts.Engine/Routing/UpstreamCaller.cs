using System.Net;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Upstreams;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace KeepTrusts.Engine.Routing;

/// <summary>
/// Calls one target with its retry policy (Polly: jittered exponential backoff, retry-after-ms / retry-after honoured
/// and capped) and per-attempt timeout, and tells the breaker how it went. A non-streamed answer is read in full
/// inside the attempt, so a body cut off mid-way is retried too; a streamed one is handed over at its headers, before
/// any byte has reached the client, which is the last point a retry or fallback is still invisible to the client.
/// It reports what happened; the attempt loop alone decides what that means for the target's health.
/// </summary>
internal sealed class UpstreamCaller
{
    private readonly TargetState _target;
    private readonly HttpMessageInvoker _http;
    private readonly UpstreamCredentials _credentials;
    private readonly IGatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly HashSet<int> _retryOn;
    private readonly long _maxResponseBytes;
    private readonly bool _noRetries;

    public UpstreamCaller(TargetState target, HttpMessageInvoker http, UpstreamCredentials credentials, IGatewayMetrics metrics, ILogger logger, TimeProvider time,
        long maxResponseBytes = 16 * 1024 * 1024)
    {
        _maxResponseBytes = maxResponseBytes;
        _target = target;
        _http = http;
        _credentials = credentials;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _retryOn = [.. target.Retry.RetryOn];
        _retry = BuildRetryPipeline(target.Retry, time);
        _noRetries = target.Retry.MaxRetries <= 0;
    }

    public async Task<UpstreamOutcome> SendAsync(Uri url, ReadOnlyMemory<byte> body, bool stream, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var timeout = TimeSpan.FromSeconds(_target.Options.TimeoutSeconds);
        try
        {
            // No retries configured: the attempt itself, without the retry pipeline's closure and outcome boxes.
            var response = _noRetries
                ? await AttemptAsync(url, body, stream, timeout, ++attempts, cancellationToken).ConfigureAwait(false)
                : await _retry.ExecuteAsync(
                    async token =>
                    {
                        attempts++;
                        return await AttemptAsync(url, body, stream, timeout, attempts, token).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);

            var status = (int)response.StatusCode;
            return new UpstreamOutcome
            {
                TargetId = _target.Id,
                Response = response,
                Kind = status < 400 ? UpstreamFailureKind.None : UpstreamFailureKind.Status,
                Reason = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}"),
                Attempts = attempts,
                MayFallBack = status == 429 || status >= 500,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new UpstreamOutcome { TargetId = _target.Id, Kind = UpstreamFailureKind.ClientCancelled, Reason = "client closed the request", Attempts = attempts };
        }
        catch (UpstreamTimeoutException)
        {
            return new UpstreamOutcome { TargetId = _target.Id, Kind = UpstreamFailureKind.Timeout, Reason = string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0} s"), Attempts = attempts, MayFallBack = true };
        }
        catch (KeepTrusts.Engine.Gateway.Input.UpstreamResponseTooLargeException ex)
        {
            return new UpstreamOutcome { TargetId = _target.Id, Kind = UpstreamFailureKind.ResponseTooLarge, Reason = ex.Message, Attempts = attempts, MayFallBack = true };
        }
        catch (UpstreamCredentialException ex)
        {
            GatewayLog.CredentialMissing(_logger, _target.Id, ex.Message);
            return new UpstreamOutcome { TargetId = _target.Id, Kind = UpstreamFailureKind.Credential, Reason = ex.Message, Attempts = attempts, MayFallBack = true };
        }
        catch (UpstreamIncompleteException ex)
        {
            return new UpstreamOutcome { TargetId = _target.Id, Kind = UpstreamFailureKind.Incomplete, Reason = ex.Message, Attempts = attempts, MayFallBack = true };
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new UpstreamOutcome { TargetId = _target.Id, Kind = UpstreamFailureKind.ConnectionFailed, Reason = Describe(ex), Attempts = attempts, MayFallBack = true };
        }
    }

    private async ValueTask<HttpResponseMessage> AttemptAsync(Uri url, ReadOnlyMemory<byte> body, bool stream, TimeSpan timeout, int attempt, CancellationToken cancellationToken)
    {
        // Current while the request is sent: HttpClient puts this span's context in the upstream's traceparent.
        var span = KeepTrusts.Engine.Gateway.GatewayTelemetry.StartAttempt(_target, url, attempt);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ReadOnlyMemoryContent(body),
            Version = HttpVersion.Version11,
        };
        // The raw value, sent as written: a MediaTypeHeaderValue per attempt only to print the same 16 characters.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        foreach (var (name, value) in _target.Options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        await _credentials.ApplyAsync(_target.Options, request, cancellationToken).ConfigureAwait(false);
        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeout.CancelAfter(timeout);
        var started = _time.GetTimestamp();
        HttpResponseMessage? response = null;
        try
        {
            // A handler answers at the headers; an HttpClient (if one is given) must be told not to buffer the body.
            response = await (_http is HttpClient client
                ? client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token)
                : _http.SendAsync(request, attemptTimeout.Token)).ConfigureAwait(false);
            if (!stream || !response.IsSuccessStatusCode)
            {
                // Buffer now, under the attempt's timeout: a body cut off mid-way fails this attempt, not the client.
                // Bounded (gateway.limits.max_upstream_response_bytes): a huge answer is cut, never held whole.
                var bytes = await KeepTrusts.Engine.Gateway.Input.BoundedBody.ReadAsync(response.Content, _maxResponseBytes, attemptTimeout.Token).ConfigureAwait(false);
                var buffered = new KeepTrusts.Engine.Gateway.Input.BufferedUpstreamContent(bytes);
                // The values as received, unparsed: the validated enumeration made a string array and an entry object
                // per header on every answer. Whoever reads them (an error's Content-Type) parses them as before.
                foreach (var header in response.Content.Headers.NonValidated)
                {
                    if (header.Value.Count == 1)
                    {
                        buffered.Headers.TryAddWithoutValidation(header.Key, header.Value.ToString());
                    }
                    else
                    {
                        buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }

                response.Content.Dispose();
                response.Content = buffered;
            }

            _metrics.UpstreamAttempt(_target.Id, (int)response.StatusCode, _time.GetElapsedTime(started));
            KeepTrusts.Engine.Gateway.GatewayTelemetry.EndAttempt(span, (int)response.StatusCode, null);
            return response;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            _metrics.UpstreamAttempt(_target.Id, 0, _time.GetElapsedTime(started));
            KeepTrusts.Engine.Gateway.GatewayTelemetry.EndAttempt(span, 0, "timeout");
            throw new UpstreamTimeoutException();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or KeepTrusts.Engine.Gateway.Input.UpstreamResponseTooLargeException)
        {
            // Disposing the response cuts the transfer: the rest of an oversized body is never read.
            response?.Dispose();
            _metrics.UpstreamAttempt(_target.Id, 0, _time.GetElapsedTime(started));
            KeepTrusts.Engine.Gateway.GatewayTelemetry.EndAttempt(span, 0, ex.GetType().Name);
            if (response is not null && ex is not KeepTrusts.Engine.Gateway.Input.UpstreamResponseTooLargeException)
            {
                // The headers arrived, the body did not: the upstream was reached and broke off its answer.
                throw new UpstreamIncompleteException(Describe(ex), ex);
            }

            throw;
        }
        finally
        {
            // Ends the span on any other way out (client cancelled); a no-op when it already ended.
            span?.Stop();
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildRetryPipeline(Configuration.RetryOptions retry, TimeProvider time)
    {
        if (retry.MaxRetries <= 0)
        {
            return ResiliencePipeline<HttpResponseMessage>.Empty;
        }

        var maxDelay = TimeSpan.FromMilliseconds(retry.MaxDelayMs);
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retry.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(retry.BaseDelayMs),
                MaxDelay = maxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or IOException or UpstreamTimeoutException } => true,
                    { Result: { } response } => _retryOn.Contains((int)response.StatusCode),
                    _ => false,
                }),
                DelayGenerator = args =>
                {
                    if (retry.RespectRetryAfter && args.Outcome.Result is { } response && RetryAfter.From(response, time) is { } wait)
                    {
                        return ValueTask.FromResult<TimeSpan?>(wait > maxDelay ? maxDelay : wait);
                    }

                    return ValueTask.FromResult<TimeSpan?>(null);
                },
                OnRetry = args =>
                {
                    var reason = args.Outcome.Result is { } response ? string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}") : Describe(args.Outcome.Exception);
                    args.Outcome.Result?.Dispose();
                    _metrics.Retry(_target.Id);
                    GatewayLog.Retrying(_logger, _target.Id, args.AttemptNumber + 1, reason, args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    // In words a client and an operator can act on, never a .NET type or enum name (these reach error messages).
    private static string Describe(Exception? ex) => ex switch
    {
        UpstreamTimeoutException => "timeout",
        UpstreamIncompleteException => ex.Message,
        HttpRequestException { HttpRequestError: var error } when error != HttpRequestError.Unknown => Words(error),
        HttpIOException { HttpRequestError: var error } when error != HttpRequestError.Unknown => Words(error),
        null => "unknown",
        _ => "the connection failed",
    };

    private static string Words(HttpRequestError error) => error switch
    {
        HttpRequestError.NameResolutionError => "its host name did not resolve",
        HttpRequestError.ConnectionError => "the connection was refused or failed",
        HttpRequestError.SecureConnectionError => "the TLS handshake failed",
        HttpRequestError.HttpProtocolError => "it broke the HTTP protocol",
        HttpRequestError.ResponseEnded => "it closed the connection before the answer was complete",
        HttpRequestError.InvalidResponse => "it sent an invalid HTTP response",
        HttpRequestError.ConfigurationLimitExceeded => "its response headers were over the client's limits",
        HttpRequestError.ProxyTunnelError => "the proxy tunnel failed",
        HttpRequestError.UserAuthenticationError => "the proxy refused the credentials",
        _ => "the connection failed",
    };
}
