namespace KeepTrusts.Engine.Gateway;

/// <summary>The API a client speaks: it decides how routes, auth and error bodies look to that client.</summary>
public enum InboundDialect
{
    /// <summary>OpenAI v1: /v1/chat/completions, /v1/embeddings, /v1/responses, /v1/models.</summary>
    OpenAI,

    /// <summary>Azure OpenAI data plane: /openai/deployments/{deployment}/... with api-version, and /openai/v1/...</summary>
    AzureOpenAI,
}
