using KeepTrusts.Engine.Audit;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Engine calls behind Test-KtAuditLog and Get-KtAuditLog, mapped to the module's types.</summary>
internal static class AuditLogs
{
    public static KtAuditLogTestResult Verify(string directory, byte[]? headKey)
    {
        var result = AuditLogVerifier.Verify(directory, headKey);
        return new KtAuditLogTestResult
        {
            Path = directory,
            IsValid = result.IsValid,
            RecordCount = result.RecordCount,
            FileCount = result.Files.Count,
            FirstBadRecord = result.FirstBadFile is null ? null : result.FirstBadLine is null ? result.FirstBadFile : $"{result.FirstBadFile}:{result.FirstBadLine}",
            FirstBadSeq = result.FirstBadSeq,
            Reason = result.Reason,
            Warnings = result.Warnings.ToArray(),
            InterruptedRequests = result.Interrupted?.ToArray() ?? [],
        };
    }

    public static IEnumerable<KtAuditRecord> Read(string directory, DateTimeOffset? since, string? target, string? decision) =>
        AuditLogReader.Read(directory, since, target, decision).Select(e => new KtAuditRecord
        {
            Seq = e.Seq,
            Time = e.Time,
            RequestId = e.RequestId,
            ClientKeyId = e.ClientKeyId,
            Method = e.Method,
            Path = e.Path,
            Operation = e.Operation,
            Model = e.Model,
            Target = e.Target,
            Status = e.Status,
            ErrorCode = e.ErrorCode,
            RemoteAddress = e.RemoteAddress,
            Reason = e.Reason,
            LatencyMs = e.LatencyMs,
            PromptTokens = e.PromptTokens,
            CompletionTokens = e.CompletionTokens,
            Cost = e.Cost,
            // The records spell phase and action in lower case; a chat result's decisions (and KtPolicyDecision's docs) in Pascal case.
            Decisions = e.Decisions.Select(d => new KtPolicyDecision { Policy = d.Policy, Phase = Pascal(d.Phase), Action = Pascal(d.Action), Reason = d.Reason, Score = d.Score }).ToArray(),
            File = e.File,
            Line = e.Line,
            Interrupted = e.Interrupted,
        });

    private static string Pascal(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];
}
