using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Reload;
using KeepTrusts.Engine.Upstreams;
using KeepTrusts.Gateway.Server;

namespace KeepTrusts.Gateway.Hosting;

/// <summary>
/// Builds a <see cref="GatewayGeneration"/> from a validated config and a composition: the pipeline (targets, routing,
/// policies, limits) and the client key check, with the server's metrics, logs and credentials. Used at start and by
/// every live reload, so both build the same thing.
/// </summary>
internal sealed class GatewayGenerationFactory(PrometheusGatewayMetrics metrics, ILoggerFactory loggers, UpstreamCredentials credentials, Func<string, string?> readEnvironment)
{
    /// <summary>
    /// The generation numbered <paramref name="number"/>; when it drains it releases its key store and, with
    /// <paramref name="releaseChain"/>, the composition's chain. Throws VirtualKeyStoreException when the key store cannot be read.
    /// </summary>
    public GatewayGeneration Create(int number, PolicyConfig config, GatewayComposition composition, bool releaseChain)
    {
        metrics.InitializeTargets(config.Providers.Targets.Select(t => t.Id));
        // The kt_audit_* histograms go on the writer each generation records to (the one kt started with, which reloads
        // share today, or any other a composition brings), so no writer reports to nobody.
        if (composition.Audit is AuditLogWriter writer)
        {
            AuditWriterMetrics.Register(metrics.Registry, writer);
        }

        var authenticator = ClientKeyAuthenticator.ForConfig(config, readEnvironment, loggers.CreateLogger("KeepTrusts.Gateway.Keys"));
        try
        {
            var pipeline = new GatewayPipeline(config, composition, metrics, loggers.CreateLogger("KeepTrusts.Gateway"), credentials);
            return new GatewayGeneration(number, config, pipeline, authenticator, composition, () =>
            {
                authenticator.Dispose();
                if (releaseChain)
                {
                    composition.ReleaseChain();
                }
            });
        }
        catch
        {
            authenticator.Dispose();
            throw;
        }
    }
}
