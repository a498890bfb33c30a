using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>
/// Outcome records are written detached (no task a caller waits on): they join the same queue and group commit as the
/// awaited records, in chain order, and a write that fails reaches the caller's failure report instead of a task.
/// </summary>
public sealed class AuditDetachedWriteTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-detached-" + Guid.NewGuid().ToString("N"));

    private static AuditRecord Record(string id, AuditRecordKind kind) => new()
    {
        Time = DateTimeOffset.UtcNow,
        RequestId = id,
        Kind = kind,
        Path = "/v1/chat/completions",
        Model = "gpt-4o",
        Status = kind == AuditRecordKind.Outcome ? 200 : 0,
    };

    [Fact]
    public async Task Detached_outcomes_land_after_their_request_records_and_the_chain_verifies()
    {
        var failures = new List<(string, Exception)>();
        var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = true }, _directory);
        for (var i = 0; i < 50; i++)
        {
            var write = await writer.WriteRequestAsync(Record($"d-{i}", AuditRecordKind.Request));
            await write.Durable;
            writer.WriteDetached(Record($"d-{i}", AuditRecordKind.Outcome), (record, ex) =>
            {
                lock (failures)
                {
                    failures.Add((record.RequestId, ex));
                }
            });
        }

        // A clean stop drains the queue: every detached record is in the file.
        await writer.DisposeAsync();

        Assert.Empty(failures);
        var lines = File.ReadAllLines(Assert.Single(AuditChain.Files(_directory)));
        Assert.Equal(100, lines.Length);
        for (var i = 0; i < 50; i++)
        {
            Assert.Contains($"\"request_id\":\"d-{i}\",\"kind\":\"request\"", lines[2 * i]);
            Assert.Contains($"\"request_id\":\"d-{i}\",\"kind\":\"outcome\"", lines[(2 * i) + 1]);
        }

        var verification = AuditLogVerifier.Verify(_directory);
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Empty(verification.Interrupted ?? []);
    }

    [Fact]
    public async Task A_detached_record_a_closed_log_refuses_is_reported_with_the_record()
    {
        var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = true }, _directory);
        await writer.DisposeAsync();
        var refused = Record("late-1", AuditRecordKind.Outcome);
        (AuditRecord Record, Exception Error)? reported = null;

        writer.WriteDetached(refused, (record, ex) => reported = (record, ex));

        Assert.NotNull(reported);
        Assert.Same(refused, reported.Value.Record);
        Assert.IsType<ObjectDisposedException>(reported.Value.Error);
    }

    private sealed class SyncCounter : IAuditWriterTimings
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<int> Synced = new();

        public void Written(int records, TimeSpan oldestQueued, TimeSpan write)
        {
        }

        void IAuditWriterTimings.Synced(int records, TimeSpan fsync) => Synced.Enqueue(records);

        public void HeadWritten(TimeSpan duration)
        {
        }
    }

    [Fact]
    public async Task An_outcome_does_not_start_an_fsync_of_its_own_but_shares_the_next_request_records()
    {
        var timings = new SyncCounter();
        await using var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = true }, _directory, outcomeSyncDelay: TimeSpan.FromHours(1)) { Timings = timings };
        await (await writer.WriteRequestAsync(Record("s-1", AuditRecordKind.Request))).Durable;
        Assert.Equal([1], timings.Synced);

        writer.WriteDetached(Record("s-1", AuditRecordKind.Outcome), (_, ex) => throw ex);
        // In the file at once (a killed process cannot lose it), but no fsync for it alone.
        await WaitUntil(() => File.ReadAllLines(Assert.Single(AuditChain.Files(_directory))).Length == 2);
        await Task.Delay(200);
        Assert.Equal([1], timings.Synced);

        // The next request record's group commit makes both durable: one fsync, two records.
        await (await writer.WriteRequestAsync(Record("s-2", AuditRecordKind.Request))).Durable.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1, 2], timings.Synced);
    }

    [Fact]
    public async Task An_outcome_alone_is_fsynced_once_the_outcome_sync_delay_has_passed()
    {
        var timings = new SyncCounter();
        var delay = TimeSpan.FromMilliseconds(300);
        await using var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = true }, _directory, outcomeSyncDelay: delay) { Timings = timings };
        var handedOver = System.Diagnostics.Stopwatch.StartNew();

        writer.WriteDetached(Record("alone-1", AuditRecordKind.Outcome), (_, ex) => throw ex);

        await WaitUntil(() => !timings.Synced.IsEmpty);
        Assert.True(handedOver.Elapsed >= delay, $"fsynced after {handedOver.Elapsed.TotalMilliseconds} ms, before the {delay.TotalMilliseconds} ms delay");
        Assert.Equal([1], timings.Synced);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
