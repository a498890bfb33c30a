namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway.state</c>: where rate limits, breaker state and spend live. Absent: in this process only.</summary>
public sealed class GatewayStateOptions : ConfigSection
{
    [ConfigKey("redis", Description = "share limits, breaker state and spend with other replicas through Redis")]
    public RedisStateOptions? Redis { get; set; }
}
