using System.Management.Automation;
using KeepTrusts.PowerShell.Completion;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Stops kt gateways gracefully: in-flight requests drain, then the process exits.</summary>
[Cmdlet(VerbsLifecycle.Stop, "KtGateway", HelpUri = KtHelpUri.Cmdlets + "stop-ktgateway", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(KtGateway))]
public sealed class StopKtGatewayCommand : KtCmdlet
{
    private const string ByIdSet = "Id";
    private const string ByObjectSet = "InputObject";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(GatewayIdCompleter))]
    public string[] Id { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = ByObjectSet, ValueFromPipeline = true)]
    public KtGateway[] InputObject { get; set; } = [];

    [Parameter]
    [ValidateRange(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var targets = ParameterSetName == ByObjectSet ? InputObject : ResolveIds();
        foreach (var gateway in targets)
        {
            var target = gateway.Status == "Exited" ? $"{gateway.Id} (already exited: removes its record)" : $"{gateway.Id} ({gateway.Url}, pid {gateway.ProcessId})";
            if (!ShouldProcess(target, "Stop KeepTrusts gateway"))
            {
                continue;
            }

            WriteVerbose(gateway.Status == "Exited"
                ? $"{gateway.Id} already exited (code {gateway.ExitCode?.ToString() ?? "unknown"}); removing its record"
                : $"Stopping {gateway.Id} (pid {gateway.ProcessId}); in-flight requests get up to {TimeoutSeconds} s");
            KtGateway stopped;
            try
            {
                stopped = RunOnPipeline(token => GatewayMapping.StopAsync(gateway, TimeSpan.FromSeconds(TimeoutSeconds), token));
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the gateway already has its SIGTERM and finishes draining on its own.
                return;
            }

            if (PassThru)
            {
                WriteObject(stopped);
            }
        }
    }

    private IEnumerable<KtGateway> ResolveIds()
    {
        var running = GatewayMapping.List();
        foreach (var id in Id)
        {
            var gateway = running.FirstOrDefault(g => string.Equals(g.Id, id, StringComparison.OrdinalIgnoreCase));
            if (gateway is null)
            {
                WriteError("GatewayNotFound", ErrorCategory.ObjectNotFound, id, $"No running KeepTrusts gateway has id '{id}'.", "Run Get-KtGateway to list the running ones.");
                continue;
            }

            yield return gateway;
        }
    }
}
