using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Stage 2, request policies: runs the chain on the request's text (async, so layers that call out — an HTTP
/// classifier — fit here), writes redactions back into the typed record, then applies the client key's rate limit.
/// </summary>
internal sealed class RequestPolicyStage
{
    private readonly PolicyChain _chain;
    private readonly bool _enabled;
    private readonly OutcomeRecorder _recorder;
    private readonly Dictionary<string, IRateLimiter> _clientLimiters = new(StringComparer.Ordinal);
    private readonly IGatewayMetrics _metrics;

    public RequestPolicyStage(PolicyConfig config, PolicyChain chain, OutcomeRecorder recorder, IGatewayMetrics metrics, TimeProvider time)
    {
        _chain = chain;
        _enabled = config.Pack.Enabled && chain.Policies.Count > 0;
        _recorder = recorder;
        _metrics = metrics;
        foreach (var key in config.Gateway.ClientKeys)
        {
            if ((key.RateLimit ?? config.Gateway.ClientRateLimit) is { } limit)
            {
                _clientLimiters[key.Id] = new MinuteRateLimiter(limit, time);
            }
        }
    }

    /// <summary>Whether response-side policies run too (the same switch: pack enabled and a non-empty chain).</summary>
    public bool Enabled => _enabled;

    public PolicyChain Chain => _chain;

    /// <summary>Null when the request may go on; else the answer to give instead (block or rate limit).</summary>
    public async ValueTask<GatewayError?> RunAsync(CanonicalExchange exchange, RequestOutcome outcome, CancellationToken cancellationToken)
    {
        outcome.Decisions ??= [];
        if (_enabled)
        {
            var result = await _chain.EvaluateRequestAsync(exchange.Segments.Segments, cancellationToken).ConfigureAwait(false);
            outcome.AddDecisions(result.Decisions);
            _recorder.Decisions(result.Decisions);
            if (result.BlockingDecision is { } block)
            {
                return GatewayError.Blocked(block, response: false);
            }

            if (exchange.Segments.WriteBack())
            {
                exchange.Modified = true;
            }
        }

        outcome.PromptText = exchange.Segments.JoinedText();
        if (exchange.Request.ClientKeyId is { } clientKey && _clientLimiters.TryGetValue(clientKey, out var limiter) &&
            !limiter.TryAcquire(exchange.EstimatedTokens, out var wait))
        {
            _metrics.RateLimited("client");
            return new GatewayError(429, OpenAIError.RateLimit, "rate_limit_exceeded",
                $"Rate limit for client key '{clientKey}' exceeded. Retry after {Math.Ceiling(wait.TotalSeconds)} seconds.") { RetryAfter = wait };
        }

        return null;
    }
}
