using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.State;

/// <summary>
/// Where a gateway keeps the state replicas must agree on: rate limits, breaker state, spend. In-process
/// (<see cref="LocalGatewayStateStore"/>) or shared through Redis (<see cref="RedisGatewayStateStore"/>).
/// Routing asks it for one limiter per scope and one breaker per target, once, at start.
/// </summary>
public interface IGatewayStateStore : IAsyncDisposable
{
    /// <summary>Local (no shared store configured), Shared (Redis answering) or Degraded (Redis configured but unreachable).</summary>
    GatewayStateHealth Health { get; }

    /// <summary>A limiter for <paramref name="scope"/> (for example <c>target:east</c>, <c>client:team-a</c>); one per scope and process.</summary>
    IRateLimiter CreateRateLimiter(string scope, RateLimitOptions options);

    /// <summary>The breaker of target <paramref name="targetId"/>; one per target and process.</summary>
    ICircuitBreaker CreateCircuitBreaker(string targetId, CircuitBreakerOptions options);

    /// <summary>USD spent per key, per UTC day and month.</summary>
    ISpendCounter Spend { get; }
}
