using System.Collections.Concurrent;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Keys;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.State;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Stage 2, request policies: runs the chain on the request's text (async, so layers that call out — an HTTP
/// classifier — fit here), writes redactions back into the typed record, then applies the client key's rate limit
/// (from the state store: shared by every replica when gateway.state.redis is set).
/// </summary>
internal sealed class RequestPolicyStage
{
    private readonly PolicyChain _chain;
    private readonly bool _enabled;
    private readonly OutcomeRecorder _recorder;
    private readonly Dictionary<string, IRateLimiter> _clientLimiters = new(StringComparer.Ordinal);
    private readonly IGatewayMetrics _metrics;
    private readonly IGatewayStateStore _state;

    // One limiter per virtual key and limits; bounded by the keys in the store (a changed limit adds one entry).
    private readonly ConcurrentDictionary<(string Id, int? Rpm, int? Tpm), IRateLimiter> _virtualKeyLimiters = new();

    public RequestPolicyStage(PolicyConfig config, PolicyChain chain, OutcomeRecorder recorder, IGatewayMetrics metrics, IGatewayStateStore state, bool keepText = true)
    {
        KeepText = keepText;
        KeepContent = keepText && config.Policy.AuditLogger.Content != AuditContentMode.None;
        _chain = chain;
        _enabled = config.Pack.Enabled && chain.Policies.Count > 0;
        _recorder = recorder;
        _metrics = metrics;
        _state = state;
        foreach (var key in config.Gateway.ClientKeys)
        {
            if ((key.RateLimit ?? config.Gateway.ClientRateLimit) is { } limit)
            {
                _clientLimiters[key.Id] = state.CreateRateLimiter("client:" + key.Id, limit);
            }
        }
    }

    /// <summary>Whether response-side policies run too (the same switch: pack enabled and a non-empty chain).</summary>
    public bool Enabled => _enabled;

    public PolicyChain Chain => _chain;

    /// <summary>
    /// Whether there is an audit record to fill (Azure's filter results are gathered only then): a gateway without an
    /// audit sink skips that work (a twentieth of the no-policy hop's allocations).
    /// </summary>
    public bool KeepText { get; }

    /// <summary>
    /// Whether the prompt and answer text are joined: only for an audit record that keeps content (redacted or hashed);
    /// with the default content mode (none) the joined copy was made on every request and thrown away.
    /// </summary>
    public bool KeepContent { get; }

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

        if (KeepContent)
        {
            outcome.PromptText = exchange.Segments.JoinedText();
        }
        if (exchange.Request.ClientKeyId is { } clientKey && LimiterFor(clientKey, exchange.Request.VirtualKey) is { } limiter &&
            await limiter.TryAcquireAsync(exchange.EstimatedTokens, cancellationToken).ConfigureAwait(false) is { Allowed: false, RetryAfter: var wait })
        {
            _metrics.RateLimited("client");
            return new GatewayError(429, OpenAIError.RateLimit, "rate_limit_exceeded",
                string.Create(CultureInfo.InvariantCulture, $"Rate limit for client key '{clientKey}' exceeded. Retry after {Math.Ceiling(wait.TotalSeconds)} seconds.")) { RetryAfter = wait };
        }

        return null;
    }

    private IRateLimiter? LimiterFor(string clientKey, VirtualKey? virtualKey)
    {
        if (virtualKey is null)
        {
            return _clientLimiters.GetValueOrDefault(clientKey);
        }

        if (virtualKey.RequestsPerMinute is null && virtualKey.TokensPerMinute is null)
        {
            return null;
        }

        return _virtualKeyLimiters.GetOrAdd((virtualKey.Id, virtualKey.RequestsPerMinute, virtualKey.TokensPerMinute), k =>
            _state.CreateRateLimiter("client:" + k.Id, new RateLimitOptions { RequestsPerMinute = k.Rpm, TokensPerMinute = k.Tpm }));
    }
}
