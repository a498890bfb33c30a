namespace KeepTrusts.Engine.Audit;

/// <summary>
/// What <see cref="IAuditSink.WriteRequestAsync"/> did with a request record. <paramref name="Kept"/>: the sink keeps
/// request and outcome as two records (else it wants one complete record). <paramref name="Durable"/> completes when the
/// record is on disk; the record is already in the operating system when this value is returned, so a killed process
/// cannot lose it, and the disk flush can overlap the upstream call.
/// </summary>
public readonly record struct RequestRecordWrite(bool Kept, Task Durable)
{
    /// <summary>The answer of a sink that keeps one complete record per request.</summary>
    public static RequestRecordWrite NotKept => new(false, Task.CompletedTask);
}
