using System.Management.Automation;
using KeepTrusts.PowerShell.Completion;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>
/// Validates a policy config, starts the kt gateway in its own process and waits until /readyz answers. In the foreground
/// it streams the gateway's log and stops it on Ctrl+C; with -PassThru it leaves it running and returns it.
/// </summary>
// ShouldProcess: it starts a process that listens on a port; -WhatIf still validates the config and the address.
[Cmdlet(VerbsLifecycle.Start, "KtGateway", HelpUri = KtHelpUri.Cmdlets + "start-ktgateway", SupportsShouldProcess = true)]
[OutputType(typeof(KtGateway))]
public sealed class StartKtGatewayCommand : KtCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "FullName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PolicyConfigPathCompleter))]
    public string PolicyConfig { get; set; } = string.Empty;

    /// <summary>Port, host:port or http://host:port (the same grammar as kt --listen); default 127.0.0.1:8080.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Listen { get; set; } = "127.0.0.1:8080";

    /// <summary>Leave the gateway running in the background and return it.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    [ValidateRange(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    protected override void ProcessRecord()
    {
        if (GatewayMapping.ListenError(Listen) is { } listenError)
        {
            ThrowTerminating("KtInvalidListenAddress", ErrorCategory.InvalidArgument, Listen, "-Listen " + listenError);
        }

        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(PolicyConfig);
        var validation = ConfigValidation.Validate(path);
        foreach (var warning in validation.Warnings)
        {
            WriteWarning(warning.ToString());
        }

        if (!validation.IsValid)
        {
            ThrowTerminating("PolicyConfigInvalid", ErrorCategory.InvalidData, path,
                $"The policy config has {validation.Errors.Length} error(s); the gateway was not started:{Environment.NewLine}" +
                string.Join(Environment.NewLine, validation.Errors.Select(e => "  " + e)),
                "Fix the errors listed (Test-KtPolicyConfig shows them as objects), then start the gateway again.");
        }

        if (!ShouldProcess($"{path} on {Listen}", "Start KeepTrusts gateway"))
        {
            return;
        }

        WriteVerbose($"Starting {GatewayMapping.KtPath} on {Listen} with {path}");
        KtGateway gateway;
        try
        {
            gateway = RunOnPipeline(token => GatewayStarter.StartAsync(GatewayMapping.KtPath, path, Listen, TimeSpan.FromSeconds(TimeoutSeconds),
                line => Post(() => WriteVerbose(line)),
                progress => Post(() => WriteProgress(new ProgressRecord(1, "Start-KtGateway", progress))),
                token));
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception ex) when (GatewayStarter.Describe(ex) is { } failure)
        {
            // One sentence in the message; the gateway's last log lines go to -Verbose (and stay on the exception).
            foreach (var line in failure.LogTail)
            {
                WriteVerbose(line);
            }

            ThrowTerminating(failure.ErrorId, failure.Category, failure.ErrorId == "KtPortInUse" ? Listen : path, failure.Message, failure.RecommendedAction, ex);
            return;
        }

        if (PassThru)
        {
            WriteProgress(new ProgressRecord(1, "Start-KtGateway", "Ready") { RecordType = ProgressRecordType.Completed });
            WriteObject(gateway);
            return;
        }

        // In the foreground the gateway lives only as long as this cmdlet: a Ctrl+C that lands between readiness and
        // following (WriteProgress throws, or the follow is cancelled before it starts) must still stop it.
        try
        {
            WriteProgress(new ProgressRecord(1, "Start-KtGateway", "Ready") { RecordType = ProgressRecordType.Completed });
            Host.UI.WriteLine($"KeepTrusts gateway {gateway.Id} listening on {gateway.Url} (Ctrl+C stops it)");
            RunOnPipeline(token => GatewayStarter.FollowAsync(gateway, line => Post(() => Host.UI.WriteLine(line)), token));
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // Graceful: in-flight requests drain. This is the clean-up Ctrl+C asked for, so it must not be cancelled by
            // that same Ctrl+C (StopToken is already set); it is bounded by the 30 s drain instead.
            var stopped = Task.Run(() => GatewayMapping.StopAsync(gateway, TimeSpan.FromSeconds(30))).GetAwaiter().GetResult();
            Host.UI.WriteLine($"KeepTrusts gateway {stopped.Id} stopped");
        }
    }
}
