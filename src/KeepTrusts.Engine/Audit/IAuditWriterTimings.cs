namespace KeepTrusts.Engine.Audit;

/// <summary>
/// Where <see cref="AuditLogWriter"/> reports how long each step of a group commit took (kt: Prometheus histograms in
/// /metrics). Called on the writer's own threads, once per batch, per fsync and per head write: keep it cheap.
/// </summary>
public interface IAuditWriterTimings
{
    /// <summary>A batch reached the kernel: its size, how long its oldest record queued before the batch began, and the serialize + write time.</summary>
    void Written(int records, TimeSpan oldestQueued, TimeSpan write);

    /// <summary>One fsync (group commit) that made <paramref name="records"/> records durable.</summary>
    void Synced(int records, TimeSpan fsync);

    /// <summary>audit-head.json replaced (write, fsync, rename).</summary>
    void HeadWritten(TimeSpan duration);
}
