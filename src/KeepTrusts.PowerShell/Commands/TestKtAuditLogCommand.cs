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

    /// <summary>The environment variable holding policy.audit-logger.head_key_ref's key: the head's signature must match it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HeadKeyVariable { get; set; }

    protected override void ProcessRecord()
    {
        if (ResolveAuditDirectory(Path) is not { } directory)
        {
            return;
        }

        byte[]? headKey = null;
        if (HeadKeyVariable is not null)
        {
            var value = Environment.GetEnvironmentVariable(HeadKeyVariable);
            if (string.IsNullOrEmpty(value))
            {
                WriteError("AuditHeadKeyNotSet", ErrorCategory.InvalidArgument, HeadKeyVariable, $"The environment variable '{HeadKeyVariable}' given as -HeadKeyVariable is not set.",
                    "Set it to the key policy.audit-logger.head_key_ref names, or leave -HeadKeyVariable out to check the chain without the head's signature.");
                return;
            }

            headKey = System.Text.Encoding.UTF8.GetBytes(value);
        }

        WriteVerbose($"Verifying the hash chain in {directory}");
        var result = AuditLogs.Verify(directory, headKey);
        foreach (var warning in result.Warnings)
        {
            WriteWarning(warning);
        }

        WriteObject(Quiet ? result.IsValid : result);
    }
}
