namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// <c>azure_auth</c>: either a scalar (<c>azure_auth: managed_identity</c>) or a mapping
/// (<c>azure_auth: { type: managed_identity, client_id: ... }</c>).
/// </summary>
public sealed class AzureAuthOptions : ConfigSection
{
    [ConfigKey("type", Required = true)]
    public AzureAuthType Type { get; set; } = AzureAuthType.ApiKey;

    /// <summary>Client id of a user-assigned managed identity.</summary>
    [ConfigKey("client_id")]
    public string? ClientId { get; set; }

    /// <summary>Token scope; the Cognitive Services default fits Azure OpenAI in the public cloud.</summary>
    [ConfigKey("scope")]
    public string Scope { get; set; } = "https://cognitiveservices.azure.com/.default";
}
