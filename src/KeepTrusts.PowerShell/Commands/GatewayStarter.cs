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

            if (!GatewayProcesses.List().Any(g => g.Id == gateway.Id))
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

    public static bool IsStartFailure(Exception ex) => ex is GatewayStartException;
}
