using KeepTrusts.Engine.Hosting;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>Engine calls behind Start-KtGateway, kept out of the cmdlet class so no engine type sits on it.</summary>
internal static class GatewayStarter
{
    public static async Task<KtGateway> StartAsync(string ktPath, string configPath, string listen, TimeSpan timeout, Action<string> onLog, Action<string> onProgress, CancellationToken token)
    {
        onProgress($"Starting kt on {listen}");
        var instance = await GatewayProcesses.StartAsync(new GatewayStartOptions
        {
            KtPath = ktPath,
            PolicyConfig = configPath,
            Listen = listen,
            ReadyTimeout = timeout,
        }, onLog, token).ConfigureAwait(false);
        onProgress("Ready");
        return GatewayMapping.ToKt(instance);
    }

    /// <summary>Streams the gateway's log until cancelled or until the process ends.</summary>
    public static async Task<bool> FollowAsync(KtGateway gateway, Action<string> onLine, CancellationToken token)
    {
        using var tail = new LogTail(gateway.LogPath);
        foreach (var _ in tail.ReadNewLines())
        {
            // Lines from before we started following were already shown while waiting for readiness.
        }

        while (!token.IsCancellationRequested)
        {
            foreach (var line in tail.ReadNewLines())
            {
                onLine(line);
            }

            if (!GatewayProcesses.List().Any(g => g.Id == gateway.Id && g.Status == "Running"))
            {
                return false;
            }

            try
            {
                await Task.Delay(200, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return true;
    }

    /// <summary>The error record parts for a start failure; null when <paramref name="ex"/> is not one.</summary>
    public static GatewayStartError? Describe(Exception ex) => ex is GatewayStartException start
        ? start.Failure switch
        {
            GatewayStartFailure.CannotListen => new("KtPortInUse", System.Management.Automation.ErrorCategory.ResourceUnavailable, start.Message,
                "Pass another -Listen (a port such as 8081, or 127.0.0.1:0 for any free port), or stop the process that holds the port.", Lines(start.LogTail)),
            GatewayStartFailure.InvalidConfig => new("PolicyConfigInvalid", System.Management.Automation.ErrorCategory.InvalidData, start.Message,
                "Run Test-KtPolicyConfig on the file to see each problem.", Lines(start.LogTail)),
            GatewayStartFailure.AuditLogUnavailable => new("KtAuditLogInUse", System.Management.Automation.ErrorCategory.ResourceUnavailable, start.Message,
                "Stop the gateway that writes to that audit directory, or give this one its own policy.audit-logger.path.", Lines(start.LogTail)),
            GatewayStartFailure.RuntimeMissing => new("KtGatewayRuntimeMissing", System.Management.Automation.ErrorCategory.NotInstalled, start.Message,
                "Install what the message names, then run Start-KtGateway again.", Lines(start.LogTail)),
            GatewayStartFailure.NotReady => new("KtGatewayNotReady", System.Management.Automation.ErrorCategory.OperationTimeout, start.Message,
                "Run with -Verbose to see the gateway's log, or raise -TimeoutSeconds.", Lines(start.LogTail)),
            _ => new("KtGatewayExited", System.Management.Automation.ErrorCategory.OpenError, start.Message,
                "Run with -Verbose to see the gateway's last log lines.", Lines(start.LogTail)),
        }
        : null;

    private static string[] Lines(string text) => text.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
}
