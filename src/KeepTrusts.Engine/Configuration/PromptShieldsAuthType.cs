namespace KeepTrusts.Engine.Configuration;

/// <summary>How the gateway authenticates to Azure AI Content Safety.</summary>
public enum PromptShieldsAuthType
{
    /// <summary>An Entra ID token from the Azure.Identity default chain (environment, workload identity, managed identity, CLI).</summary>
    EntraId,

    /// <summary>An Entra ID token from the managed identity (system- or user-assigned with client_id).</summary>
    ManagedIdentity,

    /// <summary>The resource key from secret_key_ref in the Ocp-Apim-Subscription-Key header.</summary>
    ApiKey,
}
