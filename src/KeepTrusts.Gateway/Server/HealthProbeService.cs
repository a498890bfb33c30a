using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Reload;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// Runs the active health probes of the targets that configure <c>health_probe</c>, for the config in force: after a
/// live reload the probes of the replaced targets stop and those of the new ones start.
/// </summary>
internal sealed class HealthProbeService(LiveGateway live, HttpClient http, UpstreamCredentials credentials, ILogger logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var swapped = new SemaphoreSlim(0);
        Action<GatewayGeneration> onSwapped = _ => swapped.Release();
        live.Swapped += onSwapped;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using var generationStopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var probing = ProbeAsync(live.Current.Pipeline, generationStopping.Token);
                try
                {
                    await swapped.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    await generationStopping.CancelAsync().ConfigureAwait(false);
                    await probing.ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            live.Swapped -= onSwapped;
        }
    }

    private async Task ProbeAsync(GatewayPipeline gateway, CancellationToken cancellationToken)
    {
        var probed = gateway.Router.Targets.Where(t => t.Options.HealthProbe is { Enabled: true }).ToList();
        if (probed.Count == 0)
        {
            return;
        }

        var prober = new HealthProber(http, credentials, logger);
        try
        {
            await Task.WhenAll(probed.Select(t => prober.RunAsync(t, cancellationToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // This generation was replaced, or the server stops.
        }
    }
}
