using System.Diagnostics;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>
/// On Linux the writer reserves disk past the log's end (fallocate, size kept) so durable appends allocate no blocks,
/// and syncs with fdatasync. The file's bytes and size must stay exactly the records, the reservation must be given
/// back on close, and a log left with a reservation (a killed writer) must resume and verify.
/// </summary>
public sealed class AuditFileReservationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-reserve-" + Guid.NewGuid().ToString("N"));

    private static AuditRecord Record(string id) => new()
    {
        Time = DateTimeOffset.UtcNow,
        RequestId = id,
        Path = "/v1/chat/completions",
        Model = "gpt-4o",
        Status = 200,
    };

    [Fact]
    public async Task Reserved_disk_leaves_the_log_bytes_unchanged_and_is_given_back_on_close()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;   // fallocate and the allocated-block count are Linux's
        }

        var writer = new AuditLogWriter(new AuditLoggerOptions { Fsync = true }, _directory);
        for (var i = 0; i < 20; i++)
        {
            await writer.WriteAsync(Record($"r-{i}"));
        }

        var file = Assert.Single(AuditChain.Files(_directory));
        var length = new FileInfo(file).Length;
        Assert.True(AllocatedBytes(file) >= 4 * 1024 * 1024, $"expected about 4 MiB reserved past the end while the writer is open; {AllocatedBytes(file)} bytes allocated for {length}");
        var bytes = File.ReadAllBytes(file);
        Assert.Equal(length, bytes.Length);
        Assert.Equal((byte)'\n', bytes[^1]);
        Assert.Equal(20, File.ReadAllLines(file).Length);

        await writer.DisposeAsync();

        Assert.Equal(length, new FileInfo(file).Length);
        Assert.True(AllocatedBytes(file) < length + (64 * 1024), $"the reservation was not given back on close: {AllocatedBytes(file)} bytes allocated for {length}");
        var verification = AuditLogVerifier.Verify(_directory);
        Assert.True(verification.IsValid, verification.Reason);
    }

    [Fact]
    public async Task A_log_left_with_a_reservation_resumes_its_chain_and_verifies()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var first = new AuditLogWriter(new AuditLoggerOptions { Fsync = true }, _directory);
        for (var i = 0; i < 5; i++)
        {
            await first.WriteAsync(Record($"a-{i}"));
        }

        await first.DisposeAsync();
        var file = Assert.Single(AuditChain.Files(_directory));
        // What a killed writer leaves: blocks reserved past the end, the size unchanged.
        Run("fallocate", "--keep-size", "--length", "8MiB", file);
        Assert.True(AllocatedBytes(file) >= 8 * 1024 * 1024);

        var second = new AuditLogWriter(new AuditLoggerOptions { Fsync = true }, _directory);
        for (var i = 0; i < 5; i++)
        {
            await second.WriteAsync(Record($"b-{i}"));
        }

        await second.DisposeAsync();

        var lines = File.ReadAllLines(file);
        Assert.Equal(10, lines.Length);
        Assert.Contains("\"request_id\":\"b-4\"", lines[^1]);
        Assert.DoesNotContain(lines, line => line.Contains("audit-recovery", StringComparison.Ordinal));
        var verification = AuditLogVerifier.Verify(_directory);
        Assert.True(verification.IsValid, verification.Reason);
        Assert.True(AllocatedBytes(file) < new FileInfo(file).Length + (64 * 1024));
    }

    /// <summary>Disk allocated to the file (st_blocks × 512), which .NET does not expose.</summary>
    private static long AllocatedBytes(string path) => long.Parse(Run("stat", "--format=%b", path).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512;

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
        return output;
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
