using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.State;

namespace KeepTrusts.Engine.Routing;

/// <summary>
/// A target at run time: its options with the providers-level defaults applied, its health (over the breaker) and its
/// limiter, both from the gateway's state store (in-process by default, shared across replicas with Redis).
/// </summary>
public sealed class TargetState
{
    public TargetState(TargetOptions options, ProvidersOptions providers, TimeProvider time)
        : this(options, providers, new LocalGatewayStateStore(time))
    {
    }

    public TargetState(TargetOptions options, ProvidersOptions providers, IGatewayStateStore state)
    {
        Options = options;
        Retry = options.Retry ?? providers.Retry;
        Health = new TargetHealth(state.CreateCircuitBreaker(options.Id, options.CircuitBreaker ?? providers.CircuitBreaker));
        RateLimiter = options.RateLimit is { } limit ? state.CreateRateLimiter("target:" + options.Id, limit) : null;
    }

    public TargetOptions Options { get; }

    public string Id => Options.Id;

    public RetryOptions Retry { get; }

    public TargetHealth Health { get; }

    public ICircuitBreaker Breaker => Health.Breaker;

    public IRateLimiter? RateLimiter { get; }
}
