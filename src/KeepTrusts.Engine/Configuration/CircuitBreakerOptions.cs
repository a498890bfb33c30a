namespace KeepTrusts.Engine.Configuration;

/// <summary><c>circuit_breaker</c>: takes a failing target out of rotation for a while.</summary>
public sealed class CircuitBreakerOptions : ConfigSection
{
    [ConfigKey("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Consecutive failures that open the circuit.</summary>
    [ConfigKey("consecutive_failures")]
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>Failure ratio within the sampling window that opens the circuit (0..1).</summary>
    [ConfigKey("failure_ratio")]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed in the window before failure_ratio counts.</summary>
    [ConfigKey("minimum_throughput")]
    public int MinimumThroughput { get; set; } = 20;

    [ConfigKey("sampling_window_seconds")]
    public int SamplingWindowSeconds { get; set; } = 30;

    /// <summary>How long the circuit stays open before one half-open probe call is let through.</summary>
    [ConfigKey("break_seconds")]
    public int BreakSeconds { get; set; } = 30;
}
