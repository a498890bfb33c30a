namespace KeepTrusts.Engine.Configuration;

/// <summary>One client API key accepted by the gateway (sent as Authorization: Bearer or api-key).</summary>
public sealed class ClientKeyOptions : ConfigSection
{
    /// <summary>Non-secret name of the key, used in audit records and metrics.</summary>
    [ConfigKey("id", Required = true)]
    public string Id { get; set; } = string.Empty;

    [ConfigKey("secret_key_ref", Required = true)]
    public SecretKeyRef SecretKeyRef { get; set; } = new();

    [ConfigKey("rate_limit")]
    public RateLimitOptions? RateLimit { get; set; }
}
