using System.Management.Automation;
using System.Security;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Engine.Diagnostics.Fleet;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Checks every link of an Azure OpenAI private endpoint and names the broken one with its fix.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "KtPrivateEndpoint", DefaultParameterSetName = EndpointSet, HelpUri = KtHelpUri.Cmdlets + "test-ktprivateendpoint")]
[OutputType(typeof(KtPrivateEndpointCheck), typeof(KtPrivateEndpointSummary))]
public sealed class TestKtPrivateEndpointCommand : KtArmCmdlet
{
    private const int ProgressId = 41;
    private const string EndpointSet = "Endpoint";
    private const string SubscriptionSet = "Subscription";

    /// <summary>https://name.openai.azure.com/; defaults to $env:AZURE_OPENAI_ENDPOINT.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = EndpointSet)]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = EndpointSet)]
    [ValidateNotNullOrEmpty]
    public string? AccountResourceId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = EndpointSet)]
    [ValidateNotNullOrEmpty]
    public string? AppServiceResourceId { get; set; }

    /// <summary>Fleet mode: check every Cognitive Services / Azure OpenAI account of these subscriptions (Resource Graph).</summary>
    [Parameter(Mandatory = true, ParameterSetName = SubscriptionSet)]
    [ValidateNotNullOrEmpty]
    public string[] SubscriptionId { get; set; } = [];

    /// <summary>Fleet mode: only accounts in these resource groups.</summary>
    [Parameter(ParameterSetName = SubscriptionSet)]
    [ValidateNotNullOrEmpty]
    public string[]? ResourceGroupName { get; set; }

    /// <summary>Fleet mode: how many accounts are checked at once.</summary>
    [Parameter(ParameterSetName = SubscriptionSet)]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

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
        if (ParameterSetName == SubscriptionSet)
        {
            ProcessFleet();
            return;
        }

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

        WriteReport(report, AccountResourceId);
    }

    private void WriteReport(PrivateEndpointReport report, string? account)
    {
        if (Summary.IsPresent)
        {
            WriteObject(ToSummary(report.Summary, account));
            return;
        }

        foreach (var check in report.Checks)
        {
            WriteObject(new KtPrivateEndpointCheck
            {
                Endpoint = report.Summary.Endpoint,
                Account = account,
                Check = check.Check,
                Gotcha = check.Gotcha,
                Status = (KtCheckStatus)(int)check.Status,
                Message = check.Message,
                Evidence = check.EvidenceText,
                Remediation = check.Remediation,
            });
        }
    }

    private static KtPrivateEndpointSummary ToSummary(PrivateEndpointSummary s, string? account) => new()
    {
        Endpoint = s.Endpoint,
        Account = account,
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
    };

    /// <summary>
    /// -SubscriptionId: every account's results are written as soon as its checks finish (completion order), each with
    /// Account set; an ARM failure shared by many accounts (the same denied zone) becomes one error record, not one per account.
    /// </summary>
    private void ProcessFleet()
    {
        var activity = $"Test-KtPrivateEndpoint -SubscriptionId {string.Join(",", SubscriptionId)}";
        var request = new FleetRequest
        {
            SubscriptionIds = SubscriptionId,
            ResourceGroupNames = ResourceGroupName ?? [],
            ThrottleLimit = ThrottleLimit,
            VirtualNetworkIds = VirtualNetworkId ?? [],
            DnsServer = DnsServer,
            Port = Port,
            Arm = new ArmConnectionOptions { ArmEndpoint = ArmEndpoint, AccessToken = AccessToken, SkipCertificateCheck = SkipCertificateCheck.IsPresent },
        };
        var reporter = new CmdletOperationReporter(Post, ProgressId, activity) { VerboseSink = WriteVerbose, ProgressSink = WriteProgress };
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            RunOnPipeline(ct => new PrivateEndpointFleet(reporter).RunAsync(request, result => Post(() => WriteFleetResult(result, reported)), ct));
        }
        catch (ArgumentException ex)
        {
            WriteError("KtInvalidArgument", ErrorCategory.InvalidArgument, string.Join(",", SubscriptionId), ex.Message);
        }
        catch (ArmRequestException ex)
        {
            WriteError(ArmErrorRecords.From(ex));
        }
        finally
        {
            WriteProgress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private void WriteFleetResult(FleetAccountReport result, HashSet<string> reported)
    {
        if (result.Report is null)
        {
            WriteError("KtAccountNotChecked", ErrorCategory.InvalidData, result.Account.AccountId, $"{result.Account.AccountId}: {result.Error}");
            return;
        }

        foreach (var failure in result.Report.ArmFailures)
        {
            if (reported.Add($"{failure.Kind} {failure.ResourceId}"))
            {
                WriteError(ArmErrorRecords.From(failure));
            }
        }

        WriteReport(result.Report, result.Account.AccountId);
    }
}
