namespace KeepTrusts.Engine.Configuration;

/// <summary>
/// <c>gateway.limits</c>: bounds on connections and on what Kestrel parses before any route runs, and on what a client
/// or an upstream can make one request cost (JSON shape, messages, text, upstream answers, audit content).
/// </summary>
public sealed class GatewayLimitsOptions : ConfigSection
{
    /// <summary>An idle keep-alive connection is closed after this many seconds (Kestrel's own default is 130).</summary>
    [ConfigKey("keep_alive_timeout_seconds")]
    public int KeepAliveTimeoutSeconds { get; set; } = 30;

    /// <summary>Open connections at most; a connection over it is closed at once, before any request is read.</summary>
    [ConfigKey("max_concurrent_connections")]
    public long MaxConcurrentConnections { get; set; } = 1000;

    /// <summary>Longest request line (method, target, protocol) in bytes; longer ones get 414.</summary>
    [ConfigKey("max_request_line_bytes")]
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>Largest total of request header lines in bytes; larger ones get 431.</summary>
    [ConfigKey("max_request_headers_bytes")]
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Deepest JSON nesting accepted from a client or an upstream.</summary>
    [ConfigKey("max_json_depth")]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>Most members of one JSON object, or items of one array, accepted from a client or an upstream.</summary>
    [ConfigKey("max_json_items")]
    public int MaxJsonItems { get; set; } = 10_000;

    /// <summary>Most messages (chat) or input items (Responses, embeddings) in one request.</summary>
    [ConfigKey("max_messages")]
    public int MaxMessages { get; set; } = 2_048;

    /// <summary>
    /// Most characters of text (what the policies read) in one request. The default matches the default body limit, so
    /// it bites when max_request_body_bytes is raised (for images) and the text should not grow with it.
    /// </summary>
    [ConfigKey("max_text_chars")]
    public int MaxTextChars { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest complete (non-streamed) upstream answer, error bodies included; over it the call is cut and the client gets 502.</summary>
    [ConfigKey("max_upstream_response_bytes")]
    public long MaxUpstreamResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most bytes one upstream stream may send in total; over it the stream is cut and ends with an error event.</summary>
    [ConfigKey("max_upstream_stream_bytes")]
    public long MaxUpstreamStreamBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Largest single upstream stream event (the SSE parser holds one event whole); over it the stream ends with an error event.</summary>
    [ConfigKey("max_upstream_event_bytes")]
    public long MaxUpstreamEventBytes { get; set; } = 1024 * 1024;

    /// <summary>Most characters of prompt or completion content (and of a kept upstream error body) in one audit record.</summary>
    [ConfigKey("max_audit_content_chars")]
    public int MaxAuditContentChars { get; set; } = 32 * 1024;
}
