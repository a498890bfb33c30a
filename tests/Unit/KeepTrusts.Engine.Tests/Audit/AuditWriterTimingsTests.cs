using System.Collections.Concurrent;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>
/// The writer reports each batch, fsync and head write to its timings (kt puts them in /metrics), so a latency tail
/// can be attributed to the disk (fsync), the writer (queue wait) or the head.
/// </summary>
public sealed class AuditWriterTimingsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-timings-" + Guid.NewGuid().ToString("N"));

    private sealed class Recorder : IAuditWriterTimings
    {
        public readonly ConcurrentQueue<int> WrittenRecords = new();
        public readonly ConcurrentQueue<int> SyncedRecords = new();
        public int Heads;

        public void Written(int records, TimeSpan oldestQueued, TimeSpan write) => WrittenRecords.Enqueue(records);

        public void Synced(int records, TimeSpan fsync) => SyncedRecords.Enqueue(records);

        public void HeadWritten(TimeSpan duration) => Interlocked.Increment(ref Heads);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Every_record_is_counted_in_a_write_and_with_fsync_in_a_group_commit(bool fsync)
    {
        var timings = new Recorder();
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = fsync }, _directory) { Timings = timings })
        {
            await Task.WhenAll(Enumerable.Range(0, 200).Select(i => writer.WriteAsync(new AuditRecord { RequestId = $"r{i}", Status = 200 }).AsTask()));
        }

        Assert.Equal(200, timings.WrittenRecords.Sum());
        Assert.Equal(fsync ? 200 : 0, timings.SyncedRecords.Sum());
        // The first batch's head (a live log is never without one) and the clean stop's.
        Assert.InRange(timings.Heads, 1, 2);
        Assert.True(AuditLogVerifier.Verify(_directory).IsValid);
    }

    [Fact]
    public async Task A_request_record_is_in_the_file_when_its_write_returns_and_durable_when_its_task_completes()
    {
        await using var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory);
        var write = await writer.WriteRequestAsync(new AuditRecord { RequestId = "forwarded", Kind = AuditRecordKind.Request, Model = "gpt-4o" });

        // What a killed process would leave: the line is already in the file (the kernel has it).
        var file = AuditChain.Files(_directory).Single();
        using (var read = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var text = new StreamReader(read))
        {
            Assert.Contains("\"request_id\":\"forwarded\"", await text.ReadToEndAsync());
        }

        await write.Durable.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(write.Kept);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
