namespace KeepTrusts.Engine.Policies;

/// <summary>
/// Runs the configured policies in order on requests, complete responses and streams.
/// Zero policies is a valid chain: every call is allowed untouched.
/// </summary>
public sealed class PolicyChain
{
    public static readonly PolicyChain Empty = new([]);

    private readonly IPolicy[] _policies;
    private readonly bool _anyAsync;

    public PolicyChain(IEnumerable<IPolicy> policies)
    {
        _policies = policies.ToArray();
        _anyAsync = _policies.Any(p => p is IAsyncRequestPolicy);
    }

    public IReadOnlyList<IPolicy> Policies => _policies;

    public ChainResult RunRequest(IReadOnlyList<TextSegment> segments) =>
        Run(segments, static (policy, s) => policy.EvaluateRequest(s));

    /// <summary>
    /// The request check for callers that can await (the gateway): awaits policies that implement
    /// <see cref="IAsyncRequestPolicy"/> and calls the others directly. With no such policy configured it is
    /// <see cref="RunRequest"/> with no await and no extra allocation.
    /// </summary>
    public ValueTask<ChainResult> EvaluateRequestAsync(IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken) =>
        _anyAsync ? RunRequestAsync(segments, cancellationToken) : new ValueTask<ChainResult>(RunRequest(segments));

    public ChainResult RunResponse(IReadOnlyList<TextSegment> segments) =>
        Run(segments, static (policy, s) => policy.EvaluateResponse(s));

    /// <summary>A filter for one streamed choice: each policy's stream filter, fed in chain order.</summary>
    public StreamChain CreateStream()
    {
        var filters = new List<IStreamPolicy>(_policies.Length);
        foreach (var policy in _policies)
        {
            if (policy.CreateStreamPolicy() is { } filter)
            {
                filters.Add(filter);
            }
        }

        return new StreamChain(filters);
    }

    private async ValueTask<ChainResult> RunRequestAsync(IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken)
    {
        var decisions = new List<PolicyDecision>(_policies.Length);
        foreach (var policy in _policies)
        {
            var span = Gateway.GatewayTelemetry.StartPolicy(policy);
            var decision = policy is IAsyncRequestPolicy asyncPolicy
                ? await asyncPolicy.EvaluateRequestAsync(segments, cancellationToken).ConfigureAwait(false)
                : policy.EvaluateRequest(segments);
            Gateway.GatewayTelemetry.EndPolicy(span, decision);
            decisions.Add(decision);
            if (decision.Action == PolicyAction.Block)
            {
                break;
            }
        }

        return new ChainResult(decisions);
    }

    private ChainResult Run(IReadOnlyList<TextSegment> segments, Func<IPolicy, IReadOnlyList<TextSegment>, PolicyDecision> evaluate)
    {
        if (_policies.Length == 0)
        {
            return ChainResult.Empty;
        }

        var decisions = new List<PolicyDecision>(_policies.Length);
        foreach (var policy in _policies)
        {
            var span = Gateway.GatewayTelemetry.StartPolicy(policy);
            var decision = evaluate(policy, segments);
            Gateway.GatewayTelemetry.EndPolicy(span, decision);
            decisions.Add(decision);
            if (decision.Action == PolicyAction.Block)
            {
                break;
            }
        }

        return new ChainResult(decisions);
    }
}
