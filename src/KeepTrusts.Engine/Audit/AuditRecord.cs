using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// What the gateway (or Invoke-KtChat) knows about one completed request. The audit writer adds the
/// sequence number and hash chain. Never holds secrets; content only as the audit-logger's content mode says.
/// </summary>
public sealed class AuditRecord
{
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    public string RequestId { get; init; } = string.Empty;

    /// <summary>Complete (one record per request), or the request or outcome half of a forwarded request.</summary>
    public AuditRecordKind Kind { get; init; }

    /// <summary>The client key's non-secret id, or null without client authentication.</summary>
    public string? ClientKeyId { get; init; }

    public string Method { get; init; } = "POST";

    /// <summary>The request path (no query), cut at <see cref="MaxPathChars"/>: a client picks it, up to the request-line bound.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>
    /// Most characters of <see cref="Path"/> kept (then <c>…[truncated: N chars in all]</c>): an unknown route or a
    /// 414 can carry a path of up to gateway.limits.max_request_line_bytes (64 KiB at most).
    /// </summary>
    public const int MaxPathChars = 512;

    /// <summary>
    /// What the gateway answered itself without a model operation: <c>models</c> (the models listing) or
    /// <c>not_routed</c> (unknown route or method, or a request line or headers over the limits) or <c>rejected_by_server</c>
    /// (Kestrel refused it before any kt code ran; Kestrel wrote the answer). Null (and absent
    /// from the record) for chat, embeddings and responses requests.
    /// </summary>
    public string? Operation { get; init; }

    /// <summary>The client's IP address, on <c>rejected_by_server</c> records only (absent elsewhere, so their hashes stay as they were).</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Why the server refused the request (Kestrel's message, bounded, without any of the request's bytes); <c>rejected_by_server</c> only.</summary>
    public string? Reason { get; init; }

    public string? Model { get; init; }

    public string? Target { get; init; }

    public bool Stream { get; init; }

    /// <summary>HTTP status the client got.</summary>
    public int Status { get; init; }

    /// <summary>OpenAI-shaped error code the client got, if any (policy name, content_filter, ...).</summary>
    public string? ErrorCode { get; init; }

    public double LatencyMs { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public decimal Cost { get; init; }

    /// <summary>Upstream attempts made (retries and fallbacks included).</summary>
    public int Attempts { get; init; }

    public IReadOnlyList<PolicyDecision> Decisions { get; init; } = [];

    /// <summary>Azure content-filter results seen on the way (raw JSON), if any.</summary>
    public string? ContentFilterResults { get; init; }

    /// <summary>Request text as the content mode allows (redacted text or a hash), else null.</summary>
    public string? PromptContent { get; init; }

    /// <summary>Response text as the content mode allows, else null.</summary>
    public string? CompletionContent { get; init; }

    /// <summary>An upstream error body as it came (truncated), when the client got it normalized to its dialect.</summary>
    public string? UpstreamError { get; init; }
}
