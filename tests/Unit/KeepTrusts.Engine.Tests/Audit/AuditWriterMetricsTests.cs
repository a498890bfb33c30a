using System.Globalization;
using System.Text.RegularExpressions;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;
using KeepTrusts.Gateway.Hosting;
using KeepTrusts.Gateway.Server;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>
/// kt's kt_audit_* histograms are attached where a gateway generation is built, so the writer of every generation —
/// the start-up one or one a reloaded config brings — reports its batches and fsyncs to /metrics.
/// </summary>
public sealed partial class AuditWriterMetricsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-audit-metrics-").FullName;

    private static readonly PolicyConfig Config = PolicyConfigLoader.LoadText("""
        pack: { name: metrics }
        policies:
          chain: [audit-logger]
        providers:
          targets:
            - { id: echo, provider: echo, model: gpt-4o }
        """, "metrics.yaml", _ => true).Config!;

    [Fact]
    public async Task A_generation_built_over_another_audit_writer_reports_that_writers_batches_and_fsyncs()
    {
        var metrics = new PrometheusGatewayMetrics();
        var factory = new GatewayGenerationFactory(metrics, NullLoggerFactory.Instance, new UpstreamCredentials(_ => null), _ => null);
        await using var first = new AuditLogWriter(new AuditLoggerOptions(), Path.Combine(_directory, "first"));
        await using var second = new AuditLogWriter(new AuditLoggerOptions(), Path.Combine(_directory, "second"));
        await using var startComposition = GatewayComposition.Borrowing(PolicyChain.Empty, first);
        await using var reloadComposition = GatewayComposition.Borrowing(PolicyChain.Empty, second);

        factory.Create(0, Config, startComposition, releaseChain: false);
        await first.WriteAsync(new AuditRecord { RequestId = "start-1", Status = 200 });
        Assert.Equal(1, await CountAsync(metrics.Registry, "kt_audit_batch_records_count"));

        // A later generation (a live reload) over a different writer: its records are counted too.
        factory.Create(1, Config, reloadComposition, releaseChain: false);
        await second.WriteAsync(new AuditRecord { RequestId = "reload-1", Status = 200 });
        await second.WriteAsync(new AuditRecord { RequestId = "reload-2", Status = 200 });

        Assert.Equal(3, await CountAsync(metrics.Registry, "kt_audit_batch_records_sum"));
        Assert.Equal(3, await CountAsync(metrics.Registry, "kt_audit_fsync_records_sum"));
        Assert.True(await CountAsync(metrics.Registry, "kt_audit_fsync_seconds_count") >= 2);
    }

    [Fact]
    public async Task A_writer_already_reporting_keeps_its_timings_when_a_generation_is_built_over_it()
    {
        var metrics = new PrometheusGatewayMetrics();
        var factory = new GatewayGenerationFactory(metrics, NullLoggerFactory.Instance, new UpstreamCredentials(_ => null), _ => null);
        await using var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory);
        await using var composition = GatewayComposition.Borrowing(PolicyChain.Empty, writer);

        factory.Create(0, Config, composition, releaseChain: false);
        var attached = writer.Timings;
        factory.Create(1, Config, composition, releaseChain: false);

        Assert.NotNull(attached);
        Assert.Same(attached, writer.Timings);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<double> CountAsync(CollectorRegistry registry, string series)
    {
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text);
        var exported = System.Text.Encoding.UTF8.GetString(text.ToArray());
        return MetricLine().Matches(exported).Where(m => m.Groups[1].Value == series).Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).Single();
    }

    [GeneratedRegex(@"^(\w+) ([0-9.eE+-]+)$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
