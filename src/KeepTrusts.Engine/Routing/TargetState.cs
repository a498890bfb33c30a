using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Routing;

/// <summary>A target at run time: its options with the providers-level defaults applied, its breaker and its limiter.</summary>
public sealed class TargetState
{
    public TargetState(TargetOptions options, ProvidersOptions providers, TimeProvider time)
    {
        Options = options;
        Retry = options.Retry ?? providers.Retry;
        Health = new TargetHealth(new CircuitBreaker(options.CircuitBreaker ?? providers.CircuitBreaker, time));
        RateLimiter = options.RateLimit is { } limit ? new MinuteRateLimiter(limit, time) : null;
    }

    public TargetOptions Options { get; }

    public string Id => Options.Id;

    public RetryOptions Retry { get; }

    public TargetHealth Health { get; }

    public CircuitBreaker Breaker => Health.Breaker;

    public IRateLimiter? RateLimiter { get; }
}
