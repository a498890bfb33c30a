using System.Text.Json.Nodes;
using KeepTrusts.Engine.Hosting;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Gateway.Cli;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>One writer per directory, and records cut from the end of the log (which the chain alone cannot show).</summary>
public sealed class AuditIntegrityTests : IDisposable
{
    private const string HeadKey = "0123456789abcdef0123456789abcdef-test-head-key";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-integrity-" + Guid.NewGuid().ToString("N"));

    private static AuditRecord Record(int i) => new() { RequestId = $"req-{i}", Model = "gpt-4o", Target = "a", Status = 200 };

    private static AuditLoggerOptions Signed() => new() { HeadKeyRef = new SecretKeyRef { Env = "KT_TEST_HEAD_KEY" } };

    private static string? Environment(string name) => name == "KT_TEST_HEAD_KEY" ? HeadKey : null;

    private async Task WriteAsync(int count, AuditLoggerOptions? options = null)
    {
        await using var writer = new AuditLogWriter(options ?? new AuditLoggerOptions(), _directory, readEnvironment: Environment);
        for (var i = 1; i <= count; i++)
        {
            await writer.WriteAsync(Record(i));
        }
    }

    /// <summary>What <c>head -n -N file &gt; file</c> does.</summary>
    private void RemoveLastLines(int count)
    {
        var file = AuditChain.Files(_directory)[^1];
        var lines = File.ReadAllLines(file);
        File.WriteAllLines(file, lines[..^count]);
    }

    [Fact]
    public async Task A_second_writer_on_the_same_directory_refuses_and_names_the_holder()
    {
        await using var first = new AuditLogWriter(new AuditLoggerOptions(), _directory);

        var refused = Assert.Throws<AuditStartRefusedException>(() => new AuditLogWriter(new AuditLoggerOptions(), _directory));

        Assert.Contains($"pid={System.Environment.ProcessId}", refused.Message);
        Assert.Contains("policy.audit-logger.path", refused.Message);
        await first.WriteAsync(Record(1));   // the holder is unaffected
    }

    [Fact]
    public async Task The_directory_is_free_again_once_the_writer_is_disposed()
    {
        await WriteAsync(2);
        await WriteAsync(2);

        Assert.True(AuditLogVerifier.Verify(_directory).IsValid);
    }

    [Fact]
    public async Task A_second_kt_process_on_the_same_audit_directory_exits_naming_the_first_ones_pid()
    {
        Directory.CreateDirectory(_directory);
        var config = Path.Combine(_directory, "..", $"kt-lock-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(config, $$"""
            pack: { name: lock }
            policies: { chain: [audit-logger] }
            policy: { audit-logger: { path: "{{_directory}}" } }
            providers: { targets: [ { id: echo, provider: echo, model: echo } ] }
            """);
        try
        {
            await using var first = KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config]);
            await first.WaitForListeningAsync(TimeSpan.FromSeconds(30));
            await using var second = KtProcess.Start(["gateway", "run", "--listen", "127.0.0.1:0", "--policy-config", config]);

            Assert.Equal(KtExitCodes.AuditUnavailable, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("in use by another audit writer", second.StandardError);
            Assert.Contains($"pid={first.ProcessId}", second.StandardError);
            Assert.DoesNotContain("   at ", second.StandardError);   // a message, not a stack trace
            Assert.False(first.HasExited);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Removing_records_from_the_end_fails_verification()
    {
        await WriteAsync(600);
        Assert.True(AuditLogVerifier.Verify(_directory).IsValid);

        RemoveLastLines(500);
        var result = AuditLogVerifier.Verify(_directory);

        Assert.False(result.IsValid);
        Assert.Contains("500 record(s) were removed from the end", result.Reason);
        Assert.Equal(600, result.FirstBadSeq);
    }

    [Fact]
    public async Task Kt_audit_verify_exits_1_on_a_truncated_tail()
    {
        await WriteAsync(20);
        RemoveLastLines(1);
        var output = new StringWriter();

        var exit = await KtCommandLine.RunAsync(["audit", "verify", _directory], output, output);

        Assert.Equal(1, exit);
        Assert.Contains("removed from the end", output.ToString());
        Assert.Contains("chain BROKEN", output.ToString());
    }

    [Fact]
    public async Task A_deleted_head_fails_verification()
    {
        await WriteAsync(3);
        File.Delete(AuditHead.PathIn(_directory));

        var result = AuditLogVerifier.Verify(_directory);

        Assert.False(result.IsValid);
        Assert.Contains("audit-head.json is missing", result.Reason);
    }

    [Fact]
    public async Task A_rewritten_last_record_with_a_valid_chain_is_caught_by_the_head()
    {
        await WriteAsync(5);
        // Re-chain the whole file with the last record replaced: every hash and link is valid again.
        var file = AuditChain.Files(_directory)[^1];
        var lines = File.ReadAllLines(file);
        var prev = AuditChain.Genesis;
        var rewritten = new List<string>();
        for (var seq = 1; seq <= lines.Length; seq++)
        {
            var body = AuditChain.Serialize(Record(seq == lines.Length ? 999 : seq), seq, prev);
            prev = AuditChain.Hash(body);
            rewritten.Add(System.Text.Encoding.UTF8.GetString(body)[..^1] + $",\"hash\":\"{prev}\"}}");
        }

        File.WriteAllLines(file, rewritten);

        var result = AuditLogVerifier.Verify(_directory);

        Assert.False(result.IsValid);
        Assert.Contains("not the one audit-head.json recorded", result.Reason);
    }

    [Fact]
    public async Task A_writer_refuses_to_start_on_a_log_shorter_than_its_head()
    {
        await WriteAsync(10);
        RemoveLastLines(3);

        var refused = Assert.Throws<AuditStartRefusedException>(() => new AuditLogWriter(new AuditLoggerOptions(), _directory));

        Assert.Contains("ends at seq 7", refused.Message);
        Assert.Contains("records seq 10", refused.Message);
        // The evidence stays as it was: nothing was appended and the head still names seq 10.
        Assert.Equal(10, AuditHead.Read(_directory)!.Seq);
        Assert.Equal(7, File.ReadAllLines(AuditChain.Files(_directory)[^1]).Length);
    }

    [Fact]
    public async Task Without_a_key_a_forged_head_is_not_detected_and_with_the_key_it_is()
    {
        await WriteAsync(10, Signed());
        RemoveLastLines(4);
        // Someone who can edit the files rewrites the head to match the shortened log.
        var last = AuditChain.Lines(File.ReadAllBytes(AuditChain.Files(_directory)[^1])).Last();
        Assert.True(AuditChain.TryParse(last, out var entry));
        var head = JsonNode.Parse(File.ReadAllText(AuditHead.PathIn(_directory)))!.AsObject();
        head["seq"] = entry.Seq;
        head["hash"] = entry.Hash;
        head.Remove("mac");
        File.WriteAllText(AuditHead.PathIn(_directory), head.ToJsonString());

        // The documented limit of the unsigned head: a consistent forgery passes.
        Assert.True(AuditLogVerifier.Verify(_directory).IsValid);
        var signed = AuditLogVerifier.Verify(_directory, System.Text.Encoding.UTF8.GetBytes(HeadKey));
        Assert.False(signed.IsValid);
        Assert.Contains("not signed", signed.Reason);

        head["mac"] = AuditHead.ComputeMac(System.Text.Encoding.UTF8.GetBytes("a-guessed-key-that-is-not-the-real-one"), entry.Seq, entry.Hash, head["file"]!.GetValue<string>());
        File.WriteAllText(AuditHead.PathIn(_directory), head.ToJsonString());
        Assert.Contains("does not match the given key", AuditLogVerifier.Verify(_directory, System.Text.Encoding.UTF8.GetBytes(HeadKey)).Reason);
    }

    [Fact]
    public async Task A_signed_head_verifies_with_its_key_and_warns_without_it()
    {
        await WriteAsync(5, Signed());

        Assert.True(AuditLogVerifier.Verify(_directory, System.Text.Encoding.UTF8.GetBytes(HeadKey)).IsValid);
        var unchecked_ = AuditLogVerifier.Verify(_directory);
        Assert.True(unchecked_.IsValid);
        Assert.Contains(unchecked_.Warnings, w => w.Contains("not checked", StringComparison.Ordinal));
    }

    [Fact]
    public void A_head_key_that_is_not_set_or_too_short_refuses_to_start()
    {
        var missing = Assert.Throws<AuditStartRefusedException>(() => new AuditLogWriter(Signed(), _directory, readEnvironment: _ => null));
        Assert.Contains("KT_TEST_HEAD_KEY", missing.Message);

        var shortKey = Assert.Throws<AuditStartRefusedException>(() => new AuditLogWriter(Signed(), _directory, readEnvironment: _ => "short"));
        Assert.Contains("5 characters", shortKey.Message);
        Assert.DoesNotContain("short\"", shortKey.Message);
    }

    [Fact]
    public async Task A_torn_last_line_after_a_crash_still_verifies_against_the_head()
    {
        await WriteAsync(5);
        File.AppendAllText(AuditChain.Files(_directory)[^1], "{\"seq\":6,\"time\":\"2026-");   // a crash mid-write, before the head moved

        Assert.True(AuditLogVerifier.Verify(_directory).IsValid);
        await WriteAsync(2);
        var result = AuditLogVerifier.Verify(_directory);
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(8, AuditHead.Read(_directory)!.Seq);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
