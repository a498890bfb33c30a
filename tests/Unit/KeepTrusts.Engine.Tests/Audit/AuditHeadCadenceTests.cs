using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>
/// audit-head.json is replaced at most once per head interval beside the writer (and on shutdown), not after every
/// batch: what a cut tail can hide is bounded by that interval after a crash, and by nothing after a clean stop.
/// </summary>
public sealed class AuditHeadCadenceTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-head-" + Guid.NewGuid().ToString("N"));

    private static AuditRecord Record(int i) => new() { RequestId = $"req-{i}", Model = "gpt-4o", Target = "a", Status = 200 };

    /// <summary>Lets intervals pass (the loop runs beside the writer, so it may need a moment to wait again) until the head names seq.</summary>
    private static async Task<AuditHead?> PassIntervalsUntilHeadAsync(FakeTimeProvider time, string directory, long seq)
    {
        for (var i = 0; i < 200; i++)
        {
            time.Advance(AuditLogWriter.DefaultHeadInterval);
            await Task.Delay(25);
            if (AuditHead.Read(directory) is { } head && head.Seq == seq)
            {
                return head;
            }
        }

        return AuditHead.Read(directory);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_head_moves_once_per_interval_not_after_every_batch(bool fsync)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        await using var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = fsync }, _directory, time);
        for (var i = 1; i <= 5; i++)
        {
            await writer.WriteAsync(Record(i));
        }

        // A new log gets its head with its first batch (a live log is never without one); the four batches after it
        // do not move it until an interval passes.
        Assert.Equal(1, AuditHead.Read(_directory)!.Seq);

        Assert.Equal(5, (await PassIntervalsUntilHeadAsync(time, _directory, 5))?.Seq);

        await writer.WriteAsync(Record(6));
        Assert.Equal(5, AuditHead.Read(_directory)!.Seq);
        Assert.Equal(6, (await PassIntervalsUntilHeadAsync(time, _directory, 6))?.Seq);
    }

    [Fact]
    public async Task A_clean_stop_writes_the_head_at_the_last_record_so_any_cut_tail_is_detected()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory, time))
        {
            for (var i = 1; i <= 3; i++)
            {
                await writer.WriteAsync(Record(i));
            }
        }

        Assert.Equal(3, AuditHead.Read(_directory)!.Seq);
        var file = AuditChain.Files(_directory)[0];
        File.WriteAllLines(file, File.ReadAllLines(file)[..^1]);

        var verification = AuditLogVerifier.Verify(_directory);

        Assert.False(verification.IsValid);
        Assert.Contains("1 record(s) were removed from the end", verification.Reason);
    }

    [Fact]
    public async Task After_a_crash_only_records_newer_than_the_last_head_can_be_cut_unseen()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var crashed = _directory + "-crashed";
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory, time))
        {
            await writer.WriteAsync(Record(1));
            await writer.WriteAsync(Record(2));
            Assert.Equal(2, (await PassIntervalsUntilHeadAsync(time, _directory, 2))?.Seq);
            await writer.WriteAsync(Record(3));
            await writer.WriteAsync(Record(4));

            // What a SIGKILL leaves on disk now: four records, the head at seq 2.
            Directory.CreateDirectory(crashed);
            foreach (var path in Directory.GetFiles(_directory).Where(p => !p.EndsWith(".lock", StringComparison.Ordinal)))
            {
                using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var copy = File.Create(Path.Combine(crashed, Path.GetFileName(path)));
                source.CopyTo(copy);
            }
        }

        try
        {
            var file = AuditChain.Files(crashed)[0];
            var lines = File.ReadAllLines(file);
            Assert.True(AuditLogVerifier.Verify(crashed).IsValid);

            // Cutting records 3 and 4 (newer than the head) is the documented window: not detectable.
            File.WriteAllLines(file, lines[..2]);
            Assert.True(AuditLogVerifier.Verify(crashed).IsValid);

            // Cutting into what the head names is.
            File.WriteAllLines(file, lines[..1]);
            var cut = AuditLogVerifier.Verify(crashed);
            Assert.False(cut.IsValid);
            Assert.Contains("records seq 2", cut.Reason);
        }
        finally
        {
            Directory.Delete(crashed, recursive: true);
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
