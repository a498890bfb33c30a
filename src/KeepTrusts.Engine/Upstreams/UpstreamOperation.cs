namespace KeepTrusts.Engine.Upstreams;

/// <summary>The OpenAI-compatible operations the gateway forwards.</summary>
public enum UpstreamOperation
{
    ChatCompletions,
    Embeddings,

    /// <summary>The Responses API (POST /v1/responses; Azure: /openai/v1/responses).</summary>
    Responses,
}
