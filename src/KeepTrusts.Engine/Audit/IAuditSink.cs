namespace KeepTrusts.Engine.Audit;

/// <summary>Where completed requests are recorded. A write has reached the disk when the task completes.</summary>
public interface IAuditSink : IAsyncDisposable
{
    ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default);
}
