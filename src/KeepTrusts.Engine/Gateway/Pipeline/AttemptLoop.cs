using KeepTrusts.Engine.Routing;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Stage 3, target selection and attempts: tries the candidates in order (target rate limit, circuit, the call with
/// its retries) and falls back on connection failures, timeouts, 429 and 5xx. This is the only place a call's outcome
/// is recorded against a target's <see cref="TargetHealth"/> — once per call: a complete answer only after its body
/// proved to be the JSON expected, a stream when it ends (<see cref="RecordStreamEnd"/>).
/// </summary>
internal sealed class AttemptLoop(IReadOnlyDictionary<string, UpstreamCaller> callers, IGatewayMetrics metrics, ILogger logger, Input.StrictJsonRules upstreamRules)
{
    /// <summary>
    /// Reads a complete 2xx body into the operation's typed answer; false when it is not that JSON. <paramref name="missing"/>
    /// names the part the answer must have and lacks (e.g. "'choices' array"), null when a field had the wrong type.
    /// </summary>
    public delegate bool AnswerReader(byte[] body, out object? answer, out string? missing);

    public async Task<AttemptResult> RunAsync(
        CanonicalExchange exchange, IReadOnlyList<TargetState> candidates, RequestOutcome outcome, AnswerReader readAnswer, CancellationToken cancellationToken)
    {
        UpstreamOutcome? last = null;
        TimeSpan? rateLimitWait = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            var target = candidates[i];
            if (i > 0)
            {
                metrics.Fallback(candidates[i - 1].Id, last?.Reason ?? "unavailable");
                GatewayLog.FallingBack(logger, candidates[i - 1].Id, target.Id, last?.Reason ?? "unavailable");
            }

            var (url, unsupported) = UpstreamAdapter.UrlFor(target, exchange.Operation);
            if (unsupported is not null)
            {
                return new AttemptResult { Target = target, Error = unsupported };
            }

            if (target.RateLimiter is { } limiter &&
                await limiter.TryAcquireAsync(exchange.EstimatedTokens, cancellationToken).ConfigureAwait(false) is { Allowed: false, RetryAfter: var wait })
            {
                metrics.RateLimited("target");
                rateLimitWait = rateLimitWait is null || wait < rateLimitWait ? wait : rateLimitWait;
                last = null;
                continue;
            }

            if (!target.Health.TryAcquire())
            {
                last = UpstreamOutcome.CircuitOpen(target.Id);
                continue;
            }

            var call = await callers[target.Id].SendAsync(url!, exchange.Body(), exchange.Stream, cancellationToken).ConfigureAwait(false);
            outcome.Attempts += call.Attempts;
            if (call.Kind == UpstreamFailureKind.ResponseTooLarge)
            {
                metrics.InvalidInput("upstream", "response_too_large");
            }
            if (call.Response is { } response && (int)response.StatusCode < 400)
            {
                if (exchange.Stream)
                {
                    // Recorded when the stream ends: a stream that breaks off is a failure even after a 200.
                    return new AttemptResult { Target = target, Response = response };
                }

                var body = await Input.BufferedUpstreamContent.BytesOf(response.Content).ConfigureAwait(false);
                var violation = Input.StrictJsonReader.Check(body, upstreamRules);
                object? answer = null;
                string? missing = null;
                if (violation is not null || !readAnswer(body, out answer, out missing))
                {
                    metrics.InvalidInput("upstream", violation?.Reason ?? "unexpected_shape");
                    target.Health.Record(TargetCallResult.Failure);
                    response.Dispose();
                    return new AttemptResult
                    {
                        Target = target,
                        Error = GatewayError.Upstream(502, "upstream_invalid_response", (violation, missing) switch
                        {
                            ({ } v, _) => $"The upstream (target '{target.Id}') answered with JSON the gateway does not accept: {v.Message}.",
                            // Passing an answer without its text part would let it past the response policies unchecked.
                            (null, { } part) => $"The upstream (target '{target.Id}') answered with JSON that has no {part}, so it is not the answer it was asked for and the gateway cannot check its text.",
                            // Well-formed JSON (the check passed) that does not read as the operation's answer.
                            _ => $"The upstream (target '{target.Id}') answered with JSON that is not the answer it was asked for (a field has the wrong type or shape), so the gateway cannot check its text.",
                        }),
                    };
                }

                target.Health.Record(TargetCallResult.Success);
                return new AttemptResult { Target = target, Response = response, Body = body, Answer = answer };
            }

            target.Health.Record(Classify(call));
            if (call.Response is { } errorResponse && !call.MayFallBack)
            {
                // Not a target failure (400 content filter, 401, 404 ...): the client gets the upstream's answer unchanged.
                return new AttemptResult { Target = target, Response = errorResponse };
            }

            last?.Response?.Dispose();
            last = call;
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        if (last?.Response is { } lastResponse)
        {
            return new AttemptResult { Target = candidates.First(t => t.Id == last.TargetId), Response = lastResponse };
        }

        if (last is null && rateLimitWait is { } retryAfter)
        {
            return new AttemptResult
            {
                Error = new GatewayError(429, OpenAIError.RateLimit, "rate_limit_exceeded",
                    string.Create(CultureInfo.InvariantCulture, $"Rate limit of every target for model '{exchange.Model}' exceeded. Retry after {Math.Ceiling(retryAfter.TotalSeconds)} seconds.")) { RetryAfter = retryAfter },
            };
        }

        outcome.TargetId = last?.TargetId;
        return new AttemptResult { Error = Failure(last, exchange.Model) };
    }

    /// <summary>A stream's end: clean (success), broken or stalled (failure), or the client left (neutral).</summary>
    public static void RecordStreamEnd(TargetState target, TargetCallResult result) => target.Health.Record(result);

    private static TargetCallResult Classify(UpstreamOutcome call) => call.Kind switch
    {
        UpstreamFailureKind.Status when call.Response is { } r && (int)r.StatusCode >= 500 => TargetCallResult.Failure,
        UpstreamFailureKind.Status when call.Response is { } r && (int)r.StatusCode == 429 => TargetCallResult.Neutral,
        UpstreamFailureKind.Status => TargetCallResult.Success,
        UpstreamFailureKind.Timeout or UpstreamFailureKind.ConnectionFailed or UpstreamFailureKind.ResponseTooLarge or UpstreamFailureKind.Incomplete => TargetCallResult.Failure,
        UpstreamFailureKind.ClientCancelled => TargetCallResult.Neutral,
        _ => TargetCallResult.Neutral,
    };

    private static GatewayError Failure(UpstreamOutcome? last, string model) => last switch
    {
        { Kind: UpstreamFailureKind.CircuitOpen } => GatewayError.Upstream(503, "circuit_open",
            $"Every target for model '{model}' is temporarily out of rotation after repeated failures (circuit open). Try again shortly."),
        { Kind: UpstreamFailureKind.Timeout } => GatewayError.Upstream(504, "upstream_timeout",
            $"The upstream for model '{model}' did not answer in time (target '{last.TargetId}')."),
        { Kind: UpstreamFailureKind.Credential } => GatewayError.Upstream(502, "upstream_credential_missing", last.Reason),
        { Kind: UpstreamFailureKind.ResponseTooLarge } => GatewayError.Upstream(502, "upstream_response_too_large",
            $"The upstream for model '{model}' (target '{last.TargetId}') answered with more than the gateway accepts: {last.Reason}"),
        { Kind: UpstreamFailureKind.Incomplete } => GatewayError.Upstream(502, "upstream_incomplete",
            $"The upstream for model '{model}' (target '{last.TargetId}') broke off its answer: {last.Reason}."),
        { Kind: UpstreamFailureKind.ClientCancelled } => GatewayError.Upstream(0, "client_closed_request", "The client closed the request."),
        _ => GatewayError.Upstream(502, "upstream_unreachable",
            $"The upstream for model '{model}' could not be reached (target '{last?.TargetId}': {last?.Reason})."),
    };
}
