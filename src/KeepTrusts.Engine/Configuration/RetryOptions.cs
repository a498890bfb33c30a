namespace KeepTrusts.Engine.Configuration;

/// <summary><c>retry</c>: retries of 429 and 5xx with jittered exponential backoff.</summary>
public sealed class RetryOptions : ConfigSection
{
    /// <summary>Retries after the first attempt (0 disables retrying).</summary>
    [ConfigKey("max_retries")]
    public int MaxRetries { get; set; } = 2;

    [ConfigKey("base_delay_ms")]
    public int BaseDelayMs { get; set; } = 200;

    /// <summary>Cap of any single wait, including one asked for by retry-after / retry-after-ms.</summary>
    [ConfigKey("max_delay_ms")]
    public int MaxDelayMs { get; set; } = 10_000;

    /// <summary>Statuses that are retried.</summary>
    [ConfigKey("retry_on")]
    public List<int> RetryOn { get; set; } = [429, 500, 502, 503, 504];

    /// <summary>Honour retry-after-ms / retry-after from the upstream (capped by max_delay_ms).</summary>
    [ConfigKey("respect_retry_after")]
    public bool RespectRetryAfter { get; set; } = true;
}
