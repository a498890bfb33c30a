namespace KeepTrusts.Engine.Configuration;

/// <summary><c>health_probe</c>: active probing of a target, feeding its circuit state.</summary>
public sealed class HealthProbeOptions : ConfigSection
{
    [ConfigKey("enabled")]
    public bool Enabled { get; set; } = true;

    [ConfigKey("interval_seconds")]
    public int IntervalSeconds { get; set; } = 30;

    [ConfigKey("timeout_seconds")]
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>Path probed with GET; default: the models listing of the provider.</summary>
    [ConfigKey("path")]
    public string? Path { get; set; }

    /// <summary>Consecutive failed probes that mark the target unhealthy.</summary>
    [ConfigKey("unhealthy_threshold")]
    public int UnhealthyThreshold { get; set; } = 2;

    /// <summary>Consecutive good probes that mark it healthy again.</summary>
    [ConfigKey("healthy_threshold")]
    public int HealthyThreshold { get; set; } = 1;
}
