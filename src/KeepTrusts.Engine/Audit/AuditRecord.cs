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

    public string Path { get; init; } = string.Empty;

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
