namespace KeepTrusts.Engine.Audit;

/// <summary>
/// The result of checking an audit directory's hash chain. <paramref name="Interrupted"/> names the forwarded requests
/// whose outcome was never recorded (a crash between forwarding and recording): warnings, not breaks.
/// </summary>
public sealed record AuditVerification(
    bool IsValid,
    long RecordCount,
    IReadOnlyList<string> Files,
    string? FirstBadFile,
    int? FirstBadLine,
    long? FirstBadSeq,
    string? Reason,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string>? Interrupted = null);
