namespace KeepTrusts.Engine.Configuration;

/// <summary><c>rate_limit</c>: per target or per client key, per minute. Null fields are unlimited.</summary>
public sealed class RateLimitOptions : ConfigSection
{
    [ConfigKey("requests_per_minute")]
    public int? RequestsPerMinute { get; set; }

    [ConfigKey("tokens_per_minute")]
    public int? TokensPerMinute { get; set; }
}
