namespace KeepTrusts.PowerShell;

/// <summary>One audit record, as Get-KtAuditLog returns it.</summary>
public sealed class KtAuditRecord
{
    public long Seq { get; init; }

    public DateTimeOffset Time { get; init; }

    public string RequestId { get; init; } = string.Empty;

    public string? ClientKeyId { get; init; }

    public string Method { get; init; } = string.Empty;

    /// <summary>The request path as recorded (cut at 512 characters).</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>models or not_routed for a request the gateway answered itself (models listing; unknown route, 414, 431), rejected_by_server for one Kestrel refused; else null.</summary>
    public string? Operation { get; init; }

    public string? Model { get; init; }

    public string? Target { get; init; }

    public int Status { get; init; }

    public string? ErrorCode { get; init; }

    /// <summary>The client's IP address, on a rejected_by_server record (Kestrel refused the request); else null.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Kestrel's reason on a rejected_by_server record (its words, never the request's bytes); else null.</summary>
    public string? Reason { get; init; }

    public double LatencyMs { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public decimal Cost { get; init; }

    public KtPolicyDecision[] Decisions { get; init; } = [];

    public string File { get; init; } = string.Empty;

    public int Line { get; init; }

    /// <summary>Forwarded, but the gateway stopped before the outcome was recorded: only the request record exists.</summary>
    public bool Interrupted { get; init; }
}
