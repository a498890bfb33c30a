namespace KeepTrusts.Engine.Upstreams;

/// <summary>The OpenAI-compatible operations the gateway forwards.</summary>
public enum UpstreamOperation
{
    ChatCompletions,
    Embeddings,
}
