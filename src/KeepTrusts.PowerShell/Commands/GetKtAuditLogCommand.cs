using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Reads audit records back as objects, filtered by time, target and policy action.</summary>
[Cmdlet(VerbsCommon.Get, "KtAuditLog", HelpUri = KtHelpUri.Cmdlets + "get-ktauditlog")]
[OutputType(typeof(KtAuditRecord))]
public sealed class GetKtAuditLogCommand : KtAuditLogCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Only records at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public string? Target { get; set; }

    /// <summary>Only records with at least one decision of this action.</summary>
    [Parameter]
    [ValidateSet("Allow", "Redact", "Block")]
    public string? Decision { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveAuditDirectory(Path) is not { } directory)
        {
            return;
        }

        // Reading a log whose chain is broken is allowed (that is how an investigation starts), but never silently.
        var verification = AuditLogs.Verify(directory, null);
        if (!verification.IsValid)
        {
            WriteWarning($"The audit log in {directory} does not verify: {verification.FirstBadRecord} (seq {verification.FirstBadSeq}): {verification.Reason}. " +
                "Records from there on may have been changed or removed; Test-KtAuditLog shows the details.");
        }

        DateTimeOffset? since = Since is { } s ? new DateTimeOffset(s.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(s, DateTimeKind.Local) : s) : null;
        foreach (var record in AuditLogs.Read(directory, since, Target, Decision))
        {
            if (StopToken.IsCancellationRequested)
            {
                return;
            }

            WriteObject(record);
        }
    }
}
