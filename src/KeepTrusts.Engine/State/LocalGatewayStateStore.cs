using System.Collections.Concurrent;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Routing;

namespace KeepTrusts.Engine.State;

/// <summary>
/// State in this process only: what every gateway had before shared state, and the default. A live reload asks again
/// for each scope's limiter and each target's breaker: the same settings get the same object back, so windows, breaker
/// state and spend carry over to the new config; changed settings get a fresh one. Bounded by the scopes and targets
/// ever configured (one entry each, replaced when its settings change).
/// </summary>
public sealed class LocalGatewayStateStore(TimeProvider time) : IGatewayStateStore
{
    private readonly ConcurrentDictionary<string, (string Settings, IRateLimiter Limiter)> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Settings, ICircuitBreaker Breaker)> _breakers = new(StringComparer.Ordinal);

    public GatewayStateHealth Health => GatewayStateHealth.Local;

    public ISpendCounter Spend { get; } = new LocalSpendCounter(time);

    public IRateLimiter CreateRateLimiter(string scope, RateLimitOptions options)
    {
        var settings = Gateway.Reload.RestartOnlySettings.Fingerprint(options);
        return _limiters.AddOrUpdate(scope, _ => (settings, new MinuteRateLimiter(options, time)),
            (_, existing) => existing.Settings == settings ? existing : (settings, new MinuteRateLimiter(options, time))).Limiter;
    }

    public ICircuitBreaker CreateCircuitBreaker(string targetId, CircuitBreakerOptions options)
    {
        var settings = Gateway.Reload.RestartOnlySettings.Fingerprint(options);
        return _breakers.AddOrUpdate(targetId, _ => (settings, new CircuitBreaker(options, time)),
            (_, existing) => existing.Settings == settings ? existing : (settings, new CircuitBreaker(options, time))).Breaker;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
