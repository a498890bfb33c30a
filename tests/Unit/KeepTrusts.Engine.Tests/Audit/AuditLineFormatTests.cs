using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Tests.Audit;

/// <summary>
/// The bytes of an audit line are part of the chain: a writer that serialized them differently would still verify its
/// own lines, but tools that recompute or compare them would not. These lines were written by the writer before its
/// serialization was moved onto one reused buffer; the new writer must produce them byte for byte.
/// </summary>
public sealed class AuditLineFormatTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kt-audit-format-" + Guid.NewGuid().ToString("N"));

    private static readonly DateTimeOffset Time = new(2026, 12, 6, 7, 44, 0, 123, TimeSpan.Zero);

    private static AuditRecord[] Records() =>
    [
        new()
        {
            Time = Time.AddTicks(4567),
            RequestId = "req-1",
            Kind = AuditRecordKind.Request,
            ClientKeyId = "team-a",
            Path = "/v1/chat/completions",
            Model = "gpt-4o",
            Target = "azure-a",
            Stream = true,
            Decisions = [new PolicyDecision("pii-detector", PolicyPhase.Request, PolicyAction.Redact, "1 e-mail — redacted «x»", 0.98765, [new MatchedSpan("messages[0].content", 3, 7, "EMAIL")])],
            PromptContent = "héllo \"world\"\n<tag>",
        },
        new()
        {
            Time = Time,
            RequestId = "req-1",
            Kind = AuditRecordKind.Outcome,
            Path = "/v1/chat/completions",
            Status = 200,
            LatencyMs = 1.25,
            PromptTokens = 10,
            CompletionTokens = 5,
            Cost = 0.000125m,
            Attempts = 1,
            ContentFilterResults = """{"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]}""",
            CompletionContent = "ok",
        },
        new()
        {
            Time = Time.AddDays(0).AddHours(1),
            RequestId = "req-2",
            Path = "/v1/chat/completions",
            Status = 502,
            ErrorCode = "upstream_error",
            UpstreamError = "{\"error\":\"boom\"}",
        },
    ];

    [Fact]
    public async Task Lines_are_written_byte_for_byte_as_before_and_verify()
    {
        await using (var writer = new AuditLogWriter(new AuditLoggerOptions(), _directory))
        {
            foreach (var record in Records())
            {
                await writer.WriteAsync(record);
            }
        }

        var lines = File.ReadAllLines(AuditChain.Files(_directory)[^1]);

        Assert.Equal(Expected, lines);
        Assert.True(AuditLogVerifier.Verify(_directory).IsValid);
    }

    [Fact]
    public void Serialize_gives_the_hashed_body_of_the_same_line()
    {
        var body = AuditChain.Serialize(Records()[0], 1, AuditChain.Genesis);
        var hash = AuditChain.Hash(body);

        Assert.Equal(Expected[0], System.Text.Encoding.UTF8.GetString(body)[..^1] + ",\"hash\":\"" + hash + "\"}");
    }

    private static readonly string[] Expected =
    [
        """
        {"seq":1,"time":"2026-12-06T07:44:00.1234567Z","request_id":"req-1","kind":"request","client_key_id":"team-a","method":"POST","path":"/v1/chat/completions","model":"gpt-4o","target":"azure-a","stream":true,"status":0,"latency_ms":0,"prompt_tokens":0,"completion_tokens":0,"cost_usd":0,"attempts":0,"decisions":[{"policy":"pii-detector","phase":"request","action":"redact","reason":"1 e-mail \u2014 redacted \u00ABx\u00BB","score":0.988,"spans":[{"segment":"messages[0].content","start":3,"length":7,"kind":"EMAIL"}]}],"prompt":"h\u00E9llo \u0022world\u0022\n\u003Ctag\u003E","prev":"0000000000000000000000000000000000000000000000000000000000000000","hash":"6f65a2fb7f02c87e533f6110f7513f19063d006c46d7e4b19dbc774cd2be75a1"}
        """,
        """
        {"seq":2,"time":"2026-12-06T07:44:00.1230000Z","request_id":"req-1","kind":"outcome","method":"POST","path":"/v1/chat/completions","stream":false,"status":200,"latency_ms":1.25,"prompt_tokens":10,"completion_tokens":5,"cost_usd":0.000125,"attempts":1,"decisions":[],"content_filter_results":{"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}}}]},"completion":"ok","prev":"6f65a2fb7f02c87e533f6110f7513f19063d006c46d7e4b19dbc774cd2be75a1","hash":"135085ed150947392e99ab9949a7dd90b5197eb795430b8d897f37451da7a0c1"}
        """,
        """
        {"seq":3,"time":"2026-12-06T08:44:00.1230000Z","request_id":"req-2","method":"POST","path":"/v1/chat/completions","stream":false,"status":502,"error_code":"upstream_error","latency_ms":0,"prompt_tokens":0,"completion_tokens":0,"cost_usd":0,"attempts":0,"decisions":[],"upstream_error":"{\u0022error\u0022:\u0022boom\u0022}","prev":"135085ed150947392e99ab9949a7dd90b5197eb795430b8d897f37451da7a0c1","hash":"c46d6a16eaa831e70715a9e111dcc4f74688bb08201537e1e42aff224183e35c"}
        """,
    ];

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
