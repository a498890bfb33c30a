using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Upstreams;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Routing;

/// <summary>
/// Active health probes: GETs the target's probe URL every interval. After unhealthy_threshold failures in a row the
/// target is marked unhealthy (routing skips it, /readyz shows it); after healthy_threshold good probes it is back.
/// </summary>
public sealed class HealthProber(HttpClient http, UpstreamCredentials credentials, ILogger logger)
{
    public async Task RunAsync(TargetState target, CancellationToken cancellationToken)
    {
        var probe = target.Options.HealthProbe!;
        var failures = 0;
        var successes = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(probe.IntervalSeconds));
        do
        {
            var healthy = await ProbeOnceAsync(target, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (healthy)
            {
                failures = 0;
                if (++successes >= probe.HealthyThreshold)
                {
                    target.Health.ProbeHealthy = true;
                }
            }
            else
            {
                successes = 0;
                if (++failures >= probe.UnhealthyThreshold)
                {
                    target.Health.ProbeHealthy = false;
                }
            }
        }
        while (await WaitAsync(timer, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One probe: any answer below 500 (401 and 404 included) means the endpoint is up.</summary>
    public async Task<bool> ProbeOnceAsync(TargetState target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(target.Options.HealthProbe!.TimeoutSeconds));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, UpstreamUrl.ProbeFor(target.Options));
            try
            {
                await credentials.ApplyAsync(target.Options, request, timeout.Token).ConfigureAwait(false);
            }
            catch (UpstreamCredentialException)
            {
                // Without a credential the probe still shows whether the endpoint answers (401 is an answer).
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if ((int)response.StatusCode >= 500)
            {
                GatewayLog.ProbeFailed(logger, target.Id, string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}"));
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                GatewayLog.ProbeFailed(logger, target.Id, ex is OperationCanceledException ? "timeout" : ex.GetType().Name);
            }

            return false;
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
