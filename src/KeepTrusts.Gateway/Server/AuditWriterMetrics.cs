using KeepTrusts.Engine.Audit;
using Prometheus;

namespace KeepTrusts.Gateway.Server;

/// <summary>
/// The audit writer's group commit in /metrics: how long records queue, how many share a write and an fsync, and how
/// long each fsync and head replacement takes — what tells a slow disk from a busy writer when latency has a tail.
/// </summary>
internal sealed class AuditWriterMetrics : IAuditWriterTimings
{
    // Fine at the bottom (a quiet disk fsyncs in ~0.2 ms), wide at the top (a shared disk can stall for 100s of ms).
    private static readonly double[] Seconds = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly double[] Records = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    private readonly Histogram _queued;
    private readonly Histogram _write;
    private readonly Histogram _batch;
    private readonly Histogram _fsync;
    private readonly Histogram _synced;
    private readonly Histogram _head;

    private AuditWriterMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _queued = factory.CreateHistogram("kt_audit_queue_wait_seconds", "Audit: how long the oldest record of a batch queued before the writer took it.", new HistogramConfiguration { Buckets = Seconds });
        _write = factory.CreateHistogram("kt_audit_write_seconds", "Audit: serializing, chaining and writing one batch into the kernel.", new HistogramConfiguration { Buckets = Seconds });
        _batch = factory.CreateHistogram("kt_audit_batch_records", "Audit: records per write.", new HistogramConfiguration { Buckets = Records });
        _fsync = factory.CreateHistogram("kt_audit_fsync_seconds", "Audit: one fsync of the log (group commit).", new HistogramConfiguration { Buckets = Seconds });
        _synced = factory.CreateHistogram("kt_audit_fsync_records", "Audit: records made durable by one fsync.", new HistogramConfiguration { Buckets = Records });
        _head = factory.CreateHistogram("kt_audit_head_write_seconds", "Audit: replacing audit-head.json (write, fsync, rename).", new HistogramConfiguration { Buckets = Seconds });
    }

    /// <summary>Attaches the histograms to <paramref name="writer"/> unless it already reports somewhere (idempotent).</summary>
    public static void Register(CollectorRegistry registry, AuditLogWriter writer) => writer.Timings ??= new AuditWriterMetrics(registry);

    public void Written(int records, TimeSpan oldestQueued, TimeSpan write)
    {
        _queued.Observe(oldestQueued.TotalSeconds);
        _write.Observe(write.TotalSeconds);
        _batch.Observe(records);
    }

    public void Synced(int records, TimeSpan fsync)
    {
        _fsync.Observe(fsync.TotalSeconds);
        _synced.Observe(records);
    }

    public void HeadWritten(TimeSpan duration) => _head.Observe(duration.TotalSeconds);
}
