using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Verifies an audit directory's hash chain and names the first record that breaks it.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KtAuditLog")]
[OutputType(typeof(KtAuditLogTestResult), typeof(bool))]
public sealed class TestKtAuditLogCommand : KtCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        var directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (!Directory.Exists(directory))
        {
            WriteError("AuditDirectoryNotFound", ErrorCategory.ObjectNotFound, Path, $"Cannot find audit directory '{Path}'.",
                "Give the audit-logger directory (policy.audit-logger.path, relative to the policy config).");
            return;
        }

        WriteVerbose($"Verifying the hash chain in {directory}");
        var result = AuditLogs.Verify(directory);
        foreach (var warning in result.Warnings)
        {
            WriteWarning(warning);
        }

        WriteObject(Quiet ? result.IsValid : result);
    }
}
