using System.Management.Automation;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Verifies an audit directory's hash chain and names the first record that breaks it.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KtAuditLog", HelpUri = KtHelpUri.Cmdlets + "test-ktauditlog")]
[OutputType(typeof(KtAuditLogTestResult), typeof(bool))]
public sealed class TestKtAuditLogCommand : KtAuditLogCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveAuditDirectory(Path) is not { } directory)
        {
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
