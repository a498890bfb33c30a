namespace KeepTrusts.Engine.Configuration;

/// <summary>How the gateway authenticates to Azure OpenAI.</summary>
public enum AzureAuthType
{
    /// <summary>The key from secret_key_ref in the api-key header.</summary>
    ApiKey,

    /// <summary>An Entra ID token from the managed identity (system- or user-assigned with client_id).</summary>
    ManagedIdentity,

    /// <summary>An Entra ID token from the Azure.Identity default chain (environment, workload identity, managed identity, CLI).</summary>
    DefaultCredential,
}
