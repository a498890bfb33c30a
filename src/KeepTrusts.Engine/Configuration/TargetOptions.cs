namespace KeepTrusts.Engine.Configuration;

/// <summary>One entry of <c>providers.targets[]</c>: an upstream deployment the gateway can route to.</summary>
public sealed class TargetOptions : ConfigSection
{
    public const string DefaultAzureApiVersion = "2024-10-21";

    [ConfigKey("id", Required = true)]
    public string Id { get; set; } = string.Empty;

    /// <summary>azure-openai, openai or echo.</summary>
    [ConfigKey("provider", Required = true)]
    public ProviderKind Provider { get; set; }

    /// <summary>The model name clients ask for.</summary>
    [ConfigKey("model", Required = true)]
    public string Model { get; set; } = string.Empty;

    /// <summary>Resource URL (required for azure-openai; https://api.openai.com for openai).</summary>
    [ConfigKey("base_url")]
    public string? BaseUrl { get; set; }

    [ConfigKey("secret_key_ref")]
    public SecretKeyRef? SecretKeyRef { get; set; }

    [ConfigKey("api_key_header")]
    public string? ApiKeyHeader { get; set; }

    [ConfigKey("api_key_prefix")]
    public string? ApiKeyPrefix { get; set; }

    [ConfigKey("azure_api_version")]
    public string? AzureApiVersion { get; set; }

    [ConfigKey("azure_deployment")]
    public string? AzureDeployment { get; set; }

    /// <summary>Custom path with a {deployment} placeholder, for non-standard Azure paths.</summary>
    [ConfigKey("path_template")]
    public string? PathTemplate { get; set; }

    /// <summary>api_key (default) or managed_identity (optionally with client_id).</summary>
    [ConfigKey("azure_auth")]
    public AzureAuthOptions? AzureAuth { get; set; }

    [ConfigKey("timeout_seconds")]
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Longest a stream may stay idle between chunks. Null: timeout_seconds.</summary>
    [ConfigKey("stream_timeout_seconds")]
    public int? StreamTimeoutSeconds { get; set; }

    [ConfigKey("max_context_tokens")]
    public int? MaxContextTokens { get; set; }

    [ConfigKey("headers")]
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    [ConfigKey("format")]
    public string Format { get; set; } = "openai";

    [ConfigKey("provider_type")]
    public string? ProviderType { get; set; }

    [ConfigKey("description")]
    public string? Description { get; set; }

    [ConfigKey("weight")]
    public double Weight { get; set; } = 1.0;

    [ConfigKey("data_policy")]
    public DataPolicyOptions? DataPolicy { get; set; }

    [ConfigKey("pricing")]
    public PricingOptions? Pricing { get; set; }

    [ConfigKey("health_probe")]
    public HealthProbeOptions? HealthProbe { get; set; }

    /// <summary>Overrides providers.retry for this target.</summary>
    [ConfigKey("retry")]
    public RetryOptions? Retry { get; set; }

    /// <summary>Overrides providers.circuit_breaker for this target.</summary>
    [ConfigKey("circuit_breaker")]
    public CircuitBreakerOptions? CircuitBreaker { get; set; }

    [ConfigKey("rate_limit")]
    public RateLimitOptions? RateLimit { get; set; }

    /// <summary>Header the key goes in: api-key for azure-openai, Authorization for openai, unless set.</summary>
    public string EffectiveApiKeyHeader =>
        ApiKeyHeader ?? (Provider == ProviderKind.OpenAI ? "Authorization" : "api-key");

    /// <summary>Prefix before the key: empty for azure-openai, "Bearer " for openai, unless set.</summary>
    public string EffectiveApiKeyPrefix =>
        ApiKeyPrefix ?? (Provider == ProviderKind.OpenAI ? "Bearer " : string.Empty);

    /// <summary>The api-version sent to Azure: the configured one or the GA default.</summary>
    public string EffectiveAzureApiVersion => AzureApiVersion ?? DefaultAzureApiVersion;

    /// <summary>The deployment in Azure URLs: azure_deployment, else the model name.</summary>
    public string EffectiveDeployment => string.IsNullOrEmpty(AzureDeployment) ? Model : AzureDeployment;

    /// <summary>The environment variable holding the key: secret_key_ref.env or the provider's usual one.</summary>
    public string? EffectiveSecretEnv => SecretKeyRef?.Env ?? Provider switch
    {
        ProviderKind.AzureOpenAI when AzureAuth is null || AzureAuth.Type == AzureAuthType.ApiKey => "AZURE_OPENAI_API_KEY",
        ProviderKind.OpenAI => "OPENAI_API_KEY",
        _ => null,
    };

    /// <summary>stream_timeout_seconds, else timeout_seconds.</summary>
    public int EffectiveStreamTimeoutSeconds => StreamTimeoutSeconds ?? TimeoutSeconds;
}
