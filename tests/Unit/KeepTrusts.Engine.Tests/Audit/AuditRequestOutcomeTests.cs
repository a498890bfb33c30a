using System.Text;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>
/// A forwarded request is recorded in two halves: the request record written before the upstream call (on disk before
/// any answer: its fsync overlaps the call), the outcome
/// record right after the answer (the client does not wait for its fsync). Verify and the reader pair them.
/// </summary>
public sealed class AuditRequestOutcomeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-pairs-" + Guid.NewGuid().ToString("N"));

    private static PolicyConfig Config(string content = "redacted") => PolicyConfigLoader.LoadText($$"""
        pack: { name: pairs }
        policies:
          chain: [pii-detector, audit-logger]
        policy:
          pii-detector: { action: redact }
          audit-logger: { retention_days: 30, content: {{content}} }
        providers:
          targets:
            - { id: echo, provider: echo, model: gpt-4o }
        """, "pairs.yaml", _ => true).Config!;

    private static GatewayRequest Chat(string id, string text) => new()
    {
        Operation = UpstreamOperation.ChatCompletions,
        RequestId = id,
        Body = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o","messages":[{"role":"user","content":"{{text}}"}]}"""),
    };

    /// <summary>The upstream: before answering, reads what the audit file holds at that moment.</summary>
    private sealed class ProbingUpstream(string directory) : DelegatingHandler(new EchoHandler())
    {
        public List<string> SeenAtForward { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            foreach (var file in AuditChain.Files(directory))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                SeenAtForward.AddRange(new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task The_request_record_is_on_disk_before_the_upstream_is_called_and_the_outcome_follows_it()
    {
        var config = Config();
        var writer = new AuditLogWriter(config.Policy.AuditLogger, _directory);
        using var upstream = new ProbingUpstream(_directory);
        var chain = PolicyChainFactory.Create(config);
        await using (var composition = GatewayComposition.Borrowing(chain, writer, upstream))
        {
            var pipeline = new GatewayPipeline(config, composition);
            var response = await pipeline.HandleAsync(Chat("pair-1", "Mail jane.doe@contoso.com the capacity plan."), CancellationToken.None);
            Assert.Equal(200, response.Status);
        }

        await writer.DisposeAsync();

        // What the model was sent, after the request policies, was on disk when the upstream was called.
        var atForward = Assert.Single(upstream.SeenAtForward);
        Assert.Contains("\"request_id\":\"pair-1\",\"kind\":\"request\"", atForward);
        Assert.Contains("[REDACTED", atForward);
        Assert.DoesNotContain("jane.doe@contoso.com", atForward);

        var lines = File.ReadAllLines(Assert.Single(AuditChain.Files(_directory)));
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"kind\":\"outcome\"", lines[1]);
        Assert.Contains("\"status\":200", lines[1]);

        var verification = AuditLogVerifier.Verify(_directory);
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Empty(verification.Interrupted ?? []);
        Assert.Empty(verification.Warnings);
        var entry = Assert.Single(AuditLogReader.Read(_directory));
        Assert.Equal(("pair-1", 200, false), (entry.RequestId, entry.Status, entry.Interrupted));
        Assert.Equal("echo", entry.Target);
    }

    /// <summary>A sink whose request records reach "the kernel" at once and "the disk" only when the test says so.</summary>
    private sealed class HeldFsyncSink : IAuditSink
    {
        public TaskCompletionSource Fsync { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask<RequestRecordWrite> WriteRequestAsync(AuditRecord record, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new RequestRecordWrite(true, Fsync.Task));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>The upstream: counts calls.</summary>
    private sealed class CountingUpstream() : DelegatingHandler(new EchoHandler())
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task The_request_records_fsync_overlaps_the_upstream_call_and_the_answer_waits_for_it()
    {
        var config = Config();
        var sink = new HeldFsyncSink();
        using var upstream = new CountingUpstream();
        await using var composition = GatewayComposition.Borrowing(PolicyChainFactory.Create(config), sink, upstream);
        var pipeline = new GatewayPipeline(config, composition);

        var answer = pipeline.HandleAsync(Chat("overlap-1", "hello"), CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref upstream.Calls) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        // Forwarded while the record's fsync is still running, but no answer before it is done.
        Assert.Equal(1, Volatile.Read(ref upstream.Calls));
        await Task.Delay(100);
        Assert.False(answer.IsCompleted);
        sink.Fsync.SetResult();
        Assert.Equal(200, (await answer).Status);
    }

    [Fact]
    public async Task A_request_record_without_an_outcome_is_reported_as_interrupted_not_as_tampering()
    {
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory))
        {
            await writer.WriteAsync(new AuditRecord { RequestId = "done", Status = 200 });
            Assert.True((await writer.WriteRequestAsync(new AuditRecord { RequestId = "cut-off", Kind = AuditRecordKind.Request, Model = "gpt-4o" })).Kept);
            Assert.True((await writer.WriteRequestAsync(new AuditRecord { RequestId = "answered", Kind = AuditRecordKind.Request, Model = "gpt-4o" })).Kept);
            await writer.WriteAsync(new AuditRecord { RequestId = "answered", Kind = AuditRecordKind.Outcome, Status = 200 });
            // The gateway died here: cut-off was forwarded, its outcome never written.
        }

        var verification = AuditLogVerifier.Verify(_directory);

        Assert.True(verification.IsValid, verification.Reason);
        var interrupted = Assert.Single(verification.Interrupted!);
        Assert.Contains("request cut-off at seq 2", interrupted);
        Assert.Contains(verification.Warnings, w => w.Contains("1 request(s) interrupted", StringComparison.Ordinal));
        var entries = AuditLogReader.Read(_directory).ToList();
        Assert.Equal(["done", "answered", "cut-off"], entries.Select(e => e.RequestId));
        Assert.Equal([false, false, true], entries.Select(e => e.Interrupted));
    }

    [Fact]
    public async Task Requests_that_share_an_id_pair_oldest_first_and_the_unanswered_one_stays_interrupted()
    {
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory))
        {
            await writer.WriteRequestAsync(new AuditRecord { RequestId = "same", Kind = AuditRecordKind.Request });
            await writer.WriteRequestAsync(new AuditRecord { RequestId = "same", Kind = AuditRecordKind.Request });
            await writer.WriteAsync(new AuditRecord { RequestId = "same", Kind = AuditRecordKind.Outcome, Status = 200 });
        }

        var verification = AuditLogVerifier.Verify(_directory);

        Assert.True(verification.IsValid, verification.Reason);
        Assert.Contains("request same at seq 2", Assert.Single(verification.Interrupted!));
    }

    [Fact]
    public async Task Editing_a_request_record_breaks_the_chain_like_any_other_record()
    {
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory))
        {
            await writer.WriteRequestAsync(new AuditRecord { RequestId = "r", Kind = AuditRecordKind.Request, Model = "gpt-4o" });
            await writer.WriteAsync(new AuditRecord { RequestId = "r", Kind = AuditRecordKind.Outcome, Status = 200 });
        }

        var file = AuditChain.Files(_directory)[0];
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"model\":\"gpt-4o\"", "\"model\":\"gpt-4o-mini\"", StringComparison.Ordinal));

        var verification = AuditLogVerifier.Verify(_directory);

        Assert.False(verification.IsValid);
        Assert.Equal(1, verification.FirstBadLine);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
