using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Gateway.Server;

/// <summary>Runs the active health probes of the targets that configure <c>health_probe</c>.</summary>
internal sealed class HealthProbeService(GatewayPipeline gateway, HttpClient http, UpstreamCredentials credentials, ILogger logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var probed = gateway.Router.Targets.Where(t => t.Options.HealthProbe is { Enabled: true }).ToList();
        if (probed.Count == 0)
        {
            return;
        }

        var prober = new HealthProber(http, credentials, logger);
        await Task.WhenAll(probed.Select(t => prober.RunAsync(t, stoppingToken))).ConfigureAwait(false);
    }
}
