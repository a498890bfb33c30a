using System.Collections.Concurrent;
using KeepTrusts.Engine.Audit;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>An audit sink that keeps records in memory with the size each would have on disk (AuditChain's own serialization).</summary>
internal sealed class RecordingAuditSink : IAuditSink
{
    public ConcurrentQueue<AuditRecord> Records { get; } = new();

    public ConcurrentDictionary<string, int> PerRequest { get; } = new(StringComparer.Ordinal);

    public long LargestRecordBytes;

    public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        var size = AuditChain.Serialize(record, 1, AuditChain.Genesis).LongLength;
        InterlockedMax(ref LargestRecordBytes, size);
        Records.Enqueue(record);
        PerRequest.AddOrUpdate(record.RequestId, 1, (_, n) => n + 1);
        return ValueTask.CompletedTask;
    }

    public AuditRecord Single(string requestId) => Assert.Single(Records, r => r.RequestId == requestId);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void InterlockedMax(ref long target, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
