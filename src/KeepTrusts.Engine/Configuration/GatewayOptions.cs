namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway:</c> server settings.</summary>
public sealed class GatewayOptions : ConfigSection
{
    /// <summary>Largest request body accepted (bytes); larger ones get 413.</summary>
    [ConfigKey("max_request_body_bytes")]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Connection and request-line/header bounds (Kestrel).</summary>
    [ConfigKey("limits")]
    public GatewayLimitsOptions Limits { get; set; } = new();

    /// <summary>Client API keys. Empty: no client authentication (only sensible on loopback).</summary>
    [ConfigKey("client_keys")]
    public List<ClientKeyOptions> ClientKeys { get; set; } = [];

    /// <summary>Rate limit applied to each client key that sets none of its own.</summary>
    [ConfigKey("client_rate_limit")]
    public RateLimitOptions? ClientRateLimit { get; set; }

    /// <summary>Shared state across replicas (Redis); absent: in-process state.</summary>
    [ConfigKey("state")]
    public GatewayStateOptions? State { get; set; }

    /// <summary>Virtual client keys from a watched key store file.</summary>
    [ConfigKey("keys")]
    public VirtualKeysOptions? Keys { get; set; }

    /// <summary>OpenTelemetry tracing (OTLP); absent: no spans are recorded.</summary>
    [ConfigKey("telemetry")]
    public TelemetryOptions? Telemetry { get; set; }
}
