namespace KeepTrusts.Engine.Configuration;

/// <summary><c>providers:</c> routing strategy, upstream targets and the resilience defaults they share.</summary>
public sealed class ProvidersOptions : ConfigSection
{
    /// <summary>
    /// single, fallback or weighted_round_robin. Null when omitted: the loader resolves it to
    /// single for one target and fallback (listed order) for several.
    /// </summary>
    [ConfigKey("strategy")]
    public RoutingStrategy? Strategy { get; set; }

    [ConfigKey("targets", Required = true)]
    public List<TargetOptions> Targets { get; set; } = [];

    /// <summary>Retry defaults for every target (a target's own <c>retry</c> replaces them).</summary>
    [ConfigKey("retry")]
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Circuit-breaker defaults for every target.</summary>
    [ConfigKey("circuit_breaker")]
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>The strategy in force after defaults were applied.</summary>
    public RoutingStrategy EffectiveStrategy =>
        Strategy ?? (Targets.Count > 1 ? RoutingStrategy.Fallback : RoutingStrategy.Single);
}
