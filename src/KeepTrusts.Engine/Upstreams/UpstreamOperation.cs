namespace KeepTrusts.Engine.Upstreams;

/// <summary>
/// The OpenAI-compatible operations the gateway forwards, and the kinds of request it answers itself or sees
/// refused by the server (never forwarded): they exist so every request has an outcome — counted in kt_requests_total, audited by the same rule.
/// </summary>
public enum UpstreamOperation
{
    ChatCompletions,
    Embeddings,

    /// <summary>The Responses API (POST /v1/responses; Azure: /openai/v1/responses).</summary>
    Responses,

    /// <summary>GET /v1/models[/{id}] (Azure: /openai/v1/models): answered from the config, never forwarded.</summary>
    ModelsList,

    /// <summary>
    /// A request no route took: an unknown path or method (404), or one refused by the first middleware before routing
    /// (414 request line, 431 headers). Never forwarded.
    /// </summary>
    NotRouted,

    /// <summary>
    /// A request Kestrel itself refused before any kt code ran (malformed request line or headers, a missing Host, the
    /// hard request-line and header bounds, an unknown HTTP version): Kestrel wrote its own answer; kt records it.
    /// </summary>
    RejectedByServer,
}
