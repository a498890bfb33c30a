using System.Management.Automation;
using System.Security;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Checks every link of an Azure OpenAI private endpoint and names the broken one with its fix.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "KtPrivateEndpoint", HelpUri = KtHelpUri.Cmdlets + "test-ktprivateendpoint")]
[OutputType(typeof(KtPrivateEndpointCheck), typeof(KtPrivateEndpointSummary))]
public sealed class TestKtPrivateEndpointCommand : KtArmCmdlet
{
    private const int ProgressId = 41;

    /// <summary>https://name.openai.azure.com/; defaults to $env:AZURE_OPENAI_ENDPOINT.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? AccountResourceId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? AppServiceResourceId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VirtualNetworkId { get; set; }

    /// <summary>ip or ip:port of the DNS server to ask; default: the system resolver.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DnsServer { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 443;

    /// <summary>Return one object: the first failing link and its fix.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    protected override void ProcessRecord()
    {
        var endpoint = Endpoint ?? Environment.GetEnvironmentVariable("AZURE_OPENAI_ENDPOINT");
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            WriteError("KtEndpointMissing", ErrorCategory.InvalidArgument, null,
                "No endpoint: pass -Endpoint https://<name>.openai.azure.com/ or set $env:AZURE_OPENAI_ENDPOINT.");
            return;
        }

        var useArm = AccountResourceId is not null || AppServiceResourceId is not null;
        var request = new PrivateEndpointDiagnosticRequest
        {
            Endpoint = endpoint,
            AccountResourceId = AccountResourceId,
            AppServiceResourceId = AppServiceResourceId,
            VirtualNetworkIds = VirtualNetworkId ?? [],
            DnsServer = DnsServer,
            Port = Port,
            Arm = useArm
                ? new ArmConnectionOptions { ArmEndpoint = ArmEndpoint, AccessToken = AccessToken, SkipCertificateCheck = SkipCertificateCheck.IsPresent }
                : null,
            Environment = new Dictionary<string, string?>
            {
                ["AZURE_OPENAI_ENDPOINT"] = Environment.GetEnvironmentVariable("AZURE_OPENAI_ENDPOINT"),
                ["OPENAI_API_BASE"] = Environment.GetEnvironmentVariable("OPENAI_API_BASE"),
            },
        };

        WriteVerbose($"Checking {endpoint}" + (useArm ? " with ARM " + (ArmEndpoint?.ToString() ?? "https://management.azure.com/") : " without ARM (no -AccountResourceId)"));
        var reporter = new CmdletOperationReporter(Post, ProgressId, $"Test-KtPrivateEndpoint {endpoint}")
        {
            VerboseSink = WriteVerbose,
            ProgressSink = WriteProgress,
        };

        PrivateEndpointReport report;
        try
        {
            report = RunOnPipeline(ct => new PrivateEndpointDiagnostics(reporter).RunAsync(request, ct));
        }
        catch (ArgumentException ex)
        {
            WriteError("KtInvalidArgument", ErrorCategory.InvalidArgument, endpoint, ex.Message);
            return;
        }
        finally
        {
            WriteProgress(new ProgressRecord(ProgressId, $"Test-KtPrivateEndpoint {endpoint}", "Done") { RecordType = ProgressRecordType.Completed });
        }

        foreach (var failure in report.ArmFailures)
        {
            WriteError(ArmErrorRecords.From(failure));
        }

        if (Summary.IsPresent)
        {
            var s = report.Summary;
            WriteObject(new KtPrivateEndpointSummary
            {
                Endpoint = s.Endpoint,
                Healthy = s.Healthy,
                FirstFailingCheck = s.FirstFailingCheck,
                Gotcha = s.Gotcha,
                Message = s.Message,
                Remediation = s.Remediation,
                Failed = s.Failed,
                Warnings = s.Warnings,
                Passed = s.Passed,
                Skipped = s.Skipped,
                PrivateEndpointId = s.PrivateEndpointId,
                VirtualNetworkId = s.VirtualNetworkIds.ToArray(),
            });
            return;
        }

        foreach (var check in report.Checks)
        {
            WriteObject(new KtPrivateEndpointCheck
            {
                Endpoint = report.Summary.Endpoint,
                Check = check.Check,
                Gotcha = check.Gotcha,
                Status = (KtCheckStatus)(int)check.Status,
                Message = check.Message,
                Evidence = check.EvidenceText,
                Remediation = check.Remediation,
            });
        }
    }
}
