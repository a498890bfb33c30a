namespace KeepTrusts.Engine.Audit;

/// <summary>Where requests are recorded. A write has reached the disk when the task completes.</summary>
public interface IAuditSink : IAsyncDisposable
{
    /// <summary>A complete record, or the outcome half of a request whose request record this sink kept.</summary>
    ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>
    /// The request half of a forwarded request (<see cref="AuditRecordKind.Request"/>): returns once the record is in the
    /// operating system (a killed process cannot lose it), with a task that completes when it is on disk. When the sink
    /// keeps it, the outcome follows as <see cref="AuditRecordKind.Outcome"/> and the caller need not wait for that one.
    /// A sink that keeps one record per request answers <see cref="RequestRecordWrite.NotKept"/> and gets the complete record instead.
    /// </summary>
    ValueTask<RequestRecordWrite> WriteRequestAsync(AuditRecord record, CancellationToken cancellationToken = default) => ValueTask.FromResult(RequestRecordWrite.NotKept);

    /// <summary>
    /// A record nobody waits for (the outcome of a request whose request record is on disk): queued and group-committed
    /// as <see cref="WriteAsync"/> is; a write that fails is reported to <paramref name="failed"/>, on whatever thread
    /// saw it. A sink may skip the task and the continuation that waiting would need.
    /// </summary>
    void WriteDetached(AuditRecord record, Action<AuditRecord, Exception> failed)
    {
        ValueTask pending;
        try
        {
            pending = WriteAsync(record, CancellationToken.None);
        }
        catch (Exception ex)
        {
            failed(record, ex);
            return;
        }

        if (!pending.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(pending, record, failed);
        }
    }

    private static async Task ObserveAsync(ValueTask pending, AuditRecord record, Action<AuditRecord, Exception> failed)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failed(record, ex);
        }
    }
}
