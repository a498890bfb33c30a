namespace KeepTrusts.Engine.Configuration;

/// <summary><c>policy.prompt-injection.prompt_shields.auth</c>.</summary>
public sealed class PromptShieldsAuthOptions : ConfigSection
{
    [ConfigKey("type", Required = true, Description = "entra_id, managed_identity or api_key")]
    public PromptShieldsAuthType Type { get; set; } = PromptShieldsAuthType.EntraId;

    /// <summary>Client id of a user-assigned managed identity.</summary>
    [ConfigKey("client_id")]
    public string? ClientId { get; set; }

    /// <summary>The resource key's environment variable (api_key only); read per call, never logged.</summary>
    [ConfigKey("secret_key_ref")]
    public SecretKeyRef? SecretKeyRef { get; set; }

    [ConfigKey("scope")]
    public string Scope { get; set; } = "https://cognitiveservices.azure.com/.default";
}
