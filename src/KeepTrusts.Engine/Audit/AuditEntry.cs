using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Audit;

/// <summary>One audit record as read back (Get-KtAuditLog).</summary>
public sealed record AuditEntry(
    long Seq,
    DateTimeOffset Time,
    string RequestId,
    string? ClientKeyId,
    string? Model,
    string? Target,
    int Status,
    string? ErrorCode,
    double LatencyMs,
    long PromptTokens,
    long CompletionTokens,
    decimal Cost,
    IReadOnlyList<(string Policy, string Phase, string Action, string Reason)> Decisions,
    string File,
    int Line);
