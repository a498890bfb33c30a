using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.State;

/// <summary>State in this process only: what every gateway had before shared state, and the default.</summary>
public sealed class LocalGatewayStateStore(TimeProvider time) : IGatewayStateStore
{
    public GatewayStateHealth Health => GatewayStateHealth.Local;

    public ISpendCounter Spend { get; } = new LocalSpendCounter(time);

    public IRateLimiter CreateRateLimiter(string scope, RateLimitOptions options) => new MinuteRateLimiter(options, time);

    public ICircuitBreaker CreateCircuitBreaker(string targetId, CircuitBreakerOptions options) => new CircuitBreaker(options, time);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
