using System.Management.Automation;
using System.Security;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Repair;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Creates what private DNS needs for a private endpoint: the zone, a link per VNet, the zone group.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Repair, "KtDnsZoneLink", HelpUri = KtHelpUri.Cmdlets + "repair-ktdnszonelink", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KtDnsZoneLinkAction))]
public sealed class RepairKtDnsZoneLinkCommand : KtArmCmdlet
{
    private const int ProgressId = 42;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string PrivateEndpointId { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] VirtualNetworkId { get; set; } = [];

    /// <summary>/subscriptions/&lt;id&gt;/resourceGroups/&lt;rg&gt; to create the zone in, when it does not exist yet.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ZoneResourceGroupId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ZoneName { get; set; } = "privatelink.openai.azure.com";

    /// <summary>Also rewrite an A record that holds another address than the endpoint's NIC (Dns.ARecord stale).</summary>
    [Parameter]
    public SwitchParameter FixStaleRecord { get; set; }

    /// <summary>Do not ask for confirmation (runbooks). -WhatIf still wins.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private bool Confirm(RepairStep step, string activity)
    {
        try
        {
            return ShouldContinue($"{Verb(step)} {step.Description}?", activity);
        }
        catch (System.Management.Automation.Host.HostException)
        {
            ThrowTerminating("KtConfirmationNotPossible", ErrorCategory.InvalidOperation, step.Target,
                $"Cannot ask whether to {Verb(step).ToLowerInvariant()} the {step.Description}: this host does not prompt (a runbook or a job). Nothing was changed.",
                "Add -Force to create without asking, or -WhatIf to see what would be created.");
            return false;
        }
    }

    private static string Verb(RepairStep step) => step.IsUpdate ? "Rewrite" : "Create";

    protected override void ProcessRecord()
    {
        var options = new ArmConnectionOptions { ArmEndpoint = ArmEndpoint, AccessToken = AccessToken, SkipCertificateCheck = SkipCertificateCheck.IsPresent };
        var request = new DnsZoneLinkRepairRequest
        {
            PrivateEndpointId = PrivateEndpointId,
            VirtualNetworkIds = VirtualNetworkId,
            ZoneResourceGroupId = ZoneResourceGroupId,
            ZoneName = ZoneName,
            FixStaleRecord = FixStaleRecord.IsPresent,
            Arm = options,
        };
        var activity = $"Repair-KtDnsZoneLink {ZoneName}";
        var reporter = new CmdletOperationReporter(Post, ProgressId, activity) { VerboseSink = WriteVerbose, ProgressSink = WriteProgress };

        try
        {
            var repair = new DnsZoneLinkRepair(options, reporter);
            var plan = RunOnPipeline(ct => repair.PlanAsync(request, ct));
            var prerequisiteMissing = false;
            foreach (var step in plan.Steps)
            {
                RepairActionResult result;
                if (step.AlreadyPresent)
                {
                    result = DnsZoneLinkRepair.Skipped(step);
                }
                else if (prerequisiteMissing
                    || !ShouldProcess(step.Target, $"{Verb(step)} {step.Description}")
                    || !(Force.IsPresent || Confirm(step, activity)))
                {
                    result = DnsZoneLinkRepair.Skipped(step);
                    // Links and the zone group need the zone: once it is not created, nothing after it can be.
                    prerequisiteMissing |= step.Action == RepairActionKind.CreateZone;
                }
                else
                {
                    result = RunOnPipeline(ct => repair.ApplyAsync(step, ct));
                }

                WriteObject(new KtDnsZoneLinkAction
                {
                    Action = result.Action.ToString(),
                    Target = result.Target,
                    Result = result.Result.ToString(),
                    Message = result.Message,
                });
            }
        }
        catch (ArmRequestException ex)
        {
            WriteError(ArmErrorRecords.From(ex));
        }
        catch (ArgumentException ex)
        {
            WriteError("KtInvalidArgument", ErrorCategory.InvalidArgument, PrivateEndpointId, ex.Message);
        }
        finally
        {
            WriteProgress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
