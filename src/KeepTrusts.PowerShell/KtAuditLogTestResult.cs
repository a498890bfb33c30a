namespace KeepTrusts.PowerShell;

/// <summary>What Test-KtAuditLog found in an audit directory.</summary>
public sealed class KtAuditLogTestResult
{
    public string Path { get; init; } = string.Empty;

    public bool IsValid { get; init; }

    public long RecordCount { get; init; }

    public int FileCount { get; init; }

    /// <summary>Where the chain first breaks: file:line.</summary>
    public string? FirstBadRecord { get; init; }

    public long? FirstBadSeq { get; init; }

    public string? Reason { get; init; }

    public string[] Warnings { get; init; } = [];

    /// <summary>Forwarded requests whose outcome was never recorded (a crash between forwarding and recording): not tampering.</summary>
    public string[] InterruptedRequests { get; init; } = [];
}
