namespace KeepTrusts.Engine.Audit;

/// <summary>The result of checking an audit directory's hash chain.</summary>
public sealed record AuditVerification(
    bool IsValid,
    long RecordCount,
    IReadOnlyList<string> Files,
    string? FirstBadFile,
    int? FirstBadLine,
    long? FirstBadSeq,
    string? Reason,
    IReadOnlyList<string> Warnings);
