namespace KeepTrusts.Engine.Policies;

/// <summary>
/// Runs the configured policies in order on requests, complete responses and streams.
/// Zero policies is a valid chain: every call is allowed untouched.
/// </summary>
public sealed class PolicyChain
{
    public static readonly PolicyChain Empty = new([]);

    private readonly IPolicy[] _policies;

    public PolicyChain(IEnumerable<IPolicy> policies) => _policies = policies.ToArray();

    public IReadOnlyList<IPolicy> Policies => _policies;

    public ChainResult RunRequest(IReadOnlyList<TextSegment> segments) =>
        Run(segments, static (policy, s) => policy.EvaluateRequest(s));

    /// <summary>
    /// The request-side run as the gateway calls it: async, so a policy that calls a service (an HTTP classifier) can be
    /// awaited. Today every policy is synchronous and this completes at once.
    /// </summary>
    public ValueTask<ChainResult> EvaluateRequestAsync(IReadOnlyList<TextSegment> segments, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(RunRequest(segments));
    }

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

    private ChainResult Run(IReadOnlyList<TextSegment> segments, Func<IPolicy, IReadOnlyList<TextSegment>, PolicyDecision> evaluate)
    {
        if (_policies.Length == 0)
        {
            return ChainResult.Empty;
        }

        var decisions = new List<PolicyDecision>(_policies.Length);
        foreach (var policy in _policies)
        {
            var decision = evaluate(policy, segments);
            decisions.Add(decision);
            if (decision.Action == PolicyAction.Block)
            {
                break;
            }
        }

        return new ChainResult(decisions);
    }
}
