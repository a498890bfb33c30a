using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Audit;

/// <summary>
/// One request as read back (Get-KtAuditLog): a complete record, or the outcome of a forwarded request. A request
/// record without its outcome (the gateway stopped between forwarding and recording the answer) is
/// <paramref name="Interrupted"/>, with status 0. <paramref name="Operation"/> is <c>models</c> or <c>not_routed</c> for a
/// request the gateway answered itself (models listing; unknown route or method, 414, 431) or <c>rejected_by_server</c> (Kestrel refused it itself; then
/// <paramref name="RemoteAddress"/> and <paramref name="Reason"/> say who and why), else null.
/// </summary>
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
    IReadOnlyList<(string Policy, string Phase, string Action, string Reason, double Score)> Decisions,
    string File,
    int Line,
    bool Interrupted = false,
    string Method = "POST",
    string Path = "",
    string? Operation = null,
    string? RemoteAddress = null,
    string? Reason = null);
