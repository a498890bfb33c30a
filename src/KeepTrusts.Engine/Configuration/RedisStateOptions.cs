namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway.state.redis</c>: the Redis that replicas share. Give connection_string or secret_key_ref, not both.</summary>
public sealed class RedisStateOptions : ConfigSection
{
    /// <summary>A StackExchange.Redis configuration string such as <c>127.0.0.1:6379</c> (no password: use secret_key_ref for that).</summary>
    [ConfigKey("connection_string")]
    public string? ConnectionString { get; set; }

    /// <summary>The environment variable holding the configuration string (when it carries a password).</summary>
    [ConfigKey("secret_key_ref")]
    public SecretKeyRef? SecretKeyRef { get; set; }

    /// <summary>Prefix of every key and channel, so several gateways can share one Redis.</summary>
    [ConfigKey("key_prefix")]
    public string KeyPrefix { get; set; } = "kt:";

    /// <summary>What limits do while Redis cannot be reached.</summary>
    [ConfigKey("on_unavailable")]
    public StateFallback OnUnavailable { get; set; } = StateFallback.Local;

    /// <summary>How long connecting may take before the replica carries on with the fallback (reconnects in the background).</summary>
    [ConfigKey("connect_timeout_ms")]
    public int ConnectTimeoutMs { get; set; } = 2000;

    /// <summary>How long one command may take before the call falls back.</summary>
    [ConfigKey("command_timeout_ms")]
    public int CommandTimeoutMs { get; set; } = 500;
}
