using System.Text;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using Microsoft.Extensions.Time.Testing;

namespace KeepTrusts.Engine.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-" + Guid.NewGuid().ToString("N"));

    private static AuditRecord Record(int i, string target = "azure-a", PolicyAction action = PolicyAction.Allow) => new()
    {
        RequestId = $"req-{i}",
        Model = "gpt-4o",
        Target = target,
        Status = 200,
        LatencyMs = 1.5,
        PromptTokens = 10,
        CompletionTokens = 5,
        Cost = 0.0001m,
        Decisions = [new PolicyDecision("pii-detector", PolicyPhase.Request, action, "test", 1, [new MatchedSpan("messages[0].content", 3, 7, "EMAIL")])],
    };

    private async Task WriteAsync(int count, TimeProvider? time = null, int retentionDays = 30)
    {
        await using var writer = new AuditLogWriter(new AuditLoggerOptions { RetentionDays = retentionDays, Immutable = true }, _directory, time);
        await Task.WhenAll(Enumerable.Range(1, count).Select(i => writer.WriteAsync(Record(i)).AsTask()));
    }

    [Fact]
    public async Task Records_chain_and_verify()
    {
        await WriteAsync(50);

        var result = AuditLogVerifier.Verify(_directory);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(50, result.RecordCount);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task A_record_is_on_disk_when_the_write_completes()
    {
        await using var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory);
        await writer.WriteAsync(Record(1));

        // Read while the writer is still open: the line is already there.
        var file = Assert.Single(AuditChain.Files(_directory));
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Assert.Contains("\"request_id\":\"req-1\"", new StreamReader(stream).ReadToEnd());
    }

    [Fact]
    public async Task Without_fsync_a_record_still_reaches_the_file_before_the_write_completes()
    {
        await using var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = false }, _directory);
        await writer.WriteAsync(Record(7));

        var file = Assert.Single(AuditChain.Files(_directory));
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Assert.Contains("\"request_id\":\"req-7\"", new StreamReader(stream).ReadToEnd());
    }

    [Fact]
    public async Task Records_hold_no_matched_text()
    {
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory))
        {
            await writer.WriteAsync(Record(1));
        }

        var line = File.ReadAllText(AuditChain.Files(_directory)[0]);
        Assert.Contains("\"kind\":\"EMAIL\"", line);
        Assert.Contains("\"start\":3", line);
    }

    [Fact]
    public async Task An_edited_record_is_detected_and_named()
    {
        await WriteAsync(10);
        var file = AuditChain.Files(_directory)[0];
        var lines = File.ReadAllLines(file);
        lines[4] = lines[4].Replace("\"status\":200", "\"status\":201", StringComparison.Ordinal);
        File.WriteAllLines(file, lines);

        var result = AuditLogVerifier.Verify(_directory);

        Assert.False(result.IsValid);
        Assert.Equal(5, result.FirstBadLine);
        Assert.Equal(5, result.FirstBadSeq);
        Assert.Contains("changed", result.Reason);
    }

    [Fact]
    public async Task A_deleted_record_is_detected()
    {
        await WriteAsync(10);
        var file = AuditChain.Files(_directory)[0];
        var lines = File.ReadAllLines(file).ToList();
        lines.RemoveAt(3);
        File.WriteAllLines(file, lines);

        var result = AuditLogVerifier.Verify(_directory);

        Assert.False(result.IsValid);
        Assert.Equal(4, result.FirstBadLine);
    }

    [Fact]
    public async Task Reordered_records_are_detected()
    {
        await WriteAsync(10);
        var file = AuditChain.Files(_directory)[0];
        var lines = File.ReadAllLines(file);
        (lines[2], lines[3]) = (lines[3], lines[2]);
        File.WriteAllLines(file, lines);

        Assert.False(AuditLogVerifier.Verify(_directory).IsValid);
    }

    [Fact]
    public async Task A_restarted_writer_continues_the_chain()
    {
        await WriteAsync(5);
        await WriteAsync(5);

        var result = AuditLogVerifier.Verify(_directory);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(10, result.RecordCount);
    }

    [Fact]
    public async Task A_torn_last_line_is_recovered_and_reported_as_a_warning()
    {
        await WriteAsync(5);
        var file = AuditChain.Files(_directory)[0];
        File.AppendAllText(file, "{\"seq\":6,\"time\":\"2026-");   // a crash mid-write

        Assert.True(AuditLogVerifier.Verify(_directory).IsValid);
        await WriteAsync(3);
        var result = AuditLogVerifier.Verify(_directory);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(9, result.RecordCount);   // 5 + the recovery record + 3
        Assert.Contains(result.Warnings, w => w.Contains("torn", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Files_roll_daily_and_the_chain_spans_them()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 23, 59, 0, TimeSpan.Zero));
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions { RetentionDays = 30 }, _directory, time))
        {
            await writer.WriteAsync(Record(1));
            time.Advance(TimeSpan.FromMinutes(2));
            await writer.WriteAsync(Record(2));
            time.Advance(TimeSpan.FromDays(1));
            await writer.WriteAsync(Record(3));
        }

        Assert.Equal(3, AuditChain.Files(_directory).Count);
        Assert.True(AuditLogVerifier.Verify(_directory).IsValid);
    }

    [Fact]
    public async Task Retention_removes_whole_old_files_and_the_rest_still_verifies()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions { RetentionDays = 2 }, _directory, time))
        {
            for (var day = 0; day < 5; day++)
            {
                await writer.WriteAsync(Record(day));
                time.Advance(TimeSpan.FromDays(1));
            }
        }

        var files = AuditChain.Files(_directory).Select(Path.GetFileName).ToList();
        Assert.Equal(["audit-2026-11-03.jsonl", "audit-2026-11-04.jsonl", "audit-2026-11-05.jsonl"], files);
        var result = AuditLogVerifier.Verify(_directory);
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(3, result.RecordCount);

        // Removing the oldest remaining file by hand is not retention: it is detected.
        File.Delete(Path.Combine(_directory, "audit-2026-11-03.jsonl"));
        Assert.False(AuditLogVerifier.Verify(_directory).IsValid);
    }

    [Fact]
    public async Task Reader_filters_by_target_decision_and_time()
    {
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory))
        {
            await writer.WriteAsync(Record(1, "east"));
            await writer.WriteAsync(Record(2, "west", PolicyAction.Block));
            await writer.WriteAsync(Record(3, "west"));
        }

        Assert.Equal(2, AuditLogReader.Read(_directory, target: "west").Count());
        var blocked = Assert.Single(AuditLogReader.Read(_directory, decision: "block"));
        Assert.Equal("req-2", blocked.RequestId);
        Assert.Empty(AuditLogReader.Read(_directory, since: DateTimeOffset.UtcNow.AddMinutes(5)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
