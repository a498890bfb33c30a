namespace KeepTrusts.Engine.Audit;

/// <summary>Where requests are recorded. A write has reached the disk when the task completes.</summary>
public interface IAuditSink : IAsyncDisposable
{
    /// <summary>A complete record, or the outcome half of a request whose request record this sink kept.</summary>
    ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// The request half of a forwarded request (<see cref="AuditRecordKind.Request"/>), on disk when the task completes.
    /// True when the sink kept it: the outcome then follows as <see cref="AuditRecordKind.Outcome"/> and the caller need
    /// not wait for it. A sink that keeps one record per request returns false and gets the complete record instead.
    /// </summary>
    ValueTask<bool> WriteRequestAsync(AuditRecord record, CancellationToken cancellationToken = default) => ValueTask.FromResult(false);
}
