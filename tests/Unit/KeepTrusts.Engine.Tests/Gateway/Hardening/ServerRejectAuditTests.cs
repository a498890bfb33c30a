using System.Net;
using System.Net.Sockets;
using System.Text;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>
/// Requests Kestrel refuses itself, before any kt code runs, sent as raw bytes on loopback: Kestrel still answers
/// (its empty 400/414/431/505), and each gets exactly one outcome — counted in kt_requests_total under
/// rejected_by_server and, with log_all_access, one audit record with status, reason and remote address and none of
/// the request's bytes beyond method and a bounded path.
/// </summary>
public sealed class ServerRejectAuditTests
{
    private static readonly string Config = GatewayHarness.SingleTarget() + """
        policy:
          audit-logger: { log_all_access: true, content: redacted }
        gateway:
          limits: { max_request_line_bytes: 2048, max_request_headers_bytes: 8192 }
          client_keys:
            - id: app
              secret_key_ref: { env: KT_TEST_CLIENT_KEY }
        """;

    private const string Key = "client-secret-key-123";

    public static TheoryData<string, string, int, string, string> Malformed => new()
    {
        { "garbage request line", "GARBAGE\r\n\r\n", 400, "bad_request", "" },
        { "HTTP/1.1 without Host", "GET /v1/models HTTP/1.1\r\n\r\n", 400, "bad_request", "/v1/models" },
        { "space in a header name", "GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "bad_request", "/v1/models" },
        { "NUL in a header value", "GET /v1/models HTTP/1.1\r\nHost: x\r\nx-a: a\0b\r\n\r\n", 400, "bad_request", "/v1/models" },
        { "two Content-Lengths", "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "bad_request", "/v1/chat/completions" },
        { "negative Content-Length", "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400, "bad_request", "/v1/chat/completions" },
        { "HTTP/2.0 on an HTTP/1.1 line", "GET /v1/models HTTP/2.0\r\nHost: x\r\n\r\n", 505, "http_version_not_supported", "" },
        { "request line over twice the limit", "GET /v1/" + new string('a', 5000) + "?api-key=" + Key + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "request_line_too_long", "" },
        { "headers over twice the limit", "GET /v1/models HTTP/1.1\r\nHost: x\r\nx-big: " + new string('b', 17000) + "\r\n\r\n", 431, "request_headers_too_large", "/v1/models" },
        { "over 200 header fields", "GET /v1/models HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, 250).Select(i => $"x-f{i}: 1\r\n")) + "\r\n", 431, "request_headers_too_large", "/v1/models" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_request_Kestrel_refuses_gets_exactly_one_audit_record(string what, string raw, int status, string code, string path)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);

        var answer = await SendRawAsync(harness, raw);

        Assert.StartsWith($"HTTP/1.1 {status} ", answer);
        var record = await SingleRecordAsync(audit);
        Assert.Equal(("rejected_by_server", status, code, path), (record.Operation, record.Status, record.ErrorCode, record.Path));
        Assert.Equal("127.0.0.1", record.RemoteAddress);
        Assert.False(string.IsNullOrWhiteSpace(record.Reason), what);
        Assert.True(record.Reason!.Length <= 170, record.Reason);
        var line = Encoding.UTF8.GetString(AuditChain.Serialize(record, 1, AuditChain.Genesis));
        Assert.DoesNotContain(Key, line, StringComparison.Ordinal);
        Assert.DoesNotContain("bbbbbbbb", line, StringComparison.Ordinal);
        Assert.True(line.Length < 2048, $"record of {line.Length} chars");
        Assert.Matches($"kt_requests_total\\{{[^}}]*operation=\"rejected_by_server\"[^}}]*status=\"{status}\"[^}}]*\\}} 1", await harness.Http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task A_bad_request_after_a_good_one_on_the_same_connection_is_its_own_record()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);

        var answer = await SendRawAsync(harness,
            $"GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {Key}\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", answer);
        Assert.Contains("HTTP/1.1 400 ", answer);
        await WaitForAsync(() => audit.Records.Count >= 2);
        Assert.Equal([("models", 200), ("rejected_by_server", 400)], audit.Records.Select(r => (r.Operation, r.Status)).OrderBy(r => r.Status));
    }

    [Theory]
    [InlineData("POST /v1/chat/completions", "bad_request_body", 400)]   // kt read the body and refused it
    [InlineData("GET /v1/models", null, 200)]                            // kt answered without reading it; Kestrel drained it
    public async Task A_broken_chunked_body_kt_saw_is_recorded_once_by_kt(string requestLine, string? code, int status)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);

        var answer = await SendRawAsync(harness,
            $"{requestLine} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {Key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");

        Assert.StartsWith($"HTTP/1.1 {status} ", answer);
        var record = await SingleRecordAsync(audit);
        Assert.Equal((status, code), (record.Status, record.ErrorCode));
        Assert.NotEqual("rejected_by_server", record.Operation);
        Assert.DoesNotMatch("operation=\"rejected_by_server\"", await harness.Http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Without_log_all_access_they_are_counted_but_not_audited()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config.Replace("log_all_access: true", "log_all_access: false", StringComparison.Ordinal), audit: audit);

        Assert.StartsWith("HTTP/1.1 400 ", await SendRawAsync(harness, "GARBAGE\r\n\r\n"));

        await WaitForAsync(async () => (await harness.Http.GetStringAsync("/metrics")).Contains("operation=\"rejected_by_server\"", StringComparison.Ordinal));
        Assert.Empty(audit.Records);
    }

    [Fact]
    public async Task Their_records_verify_in_the_chain_and_read_back_with_reason_and_remote_address()
    {
        var directory = Path.Combine(Path.GetTempPath(), "kt-server-reject-" + Guid.NewGuid().ToString("N"));
        var yaml = Config.Replace("policy:\n  audit-logger: { log_all_access: true, content: redacted }",
            $"policies: {{ chain: [audit-logger] }}\npolicy:\n  audit-logger: {{ log_all_access: true, content: redacted, path: \"{directory}\" }}", StringComparison.Ordinal);
        var config = PolicyConfigLoader.LoadText(yaml.Replace("{base_url}", "https://127.0.0.1:1", StringComparison.Ordinal), "t.yaml", _ => true).Config!;
        var sink = PolicyChainFactory.CreateAuditSink(config)!;
        var open = true;
        try
        {
            await using (var harness = await GatewayHarness.StartAsync(yaml, audit: sink))
            {
                Assert.StartsWith("HTTP/1.1 400 ", await SendRawAsync(harness, "GET /v1/models HTTP/1.1\r\n\r\n"));
                Assert.StartsWith("HTTP/1.1 505 ", await SendRawAsync(harness, "GET /v1/models HTTP/2.0\r\nHost: x\r\n\r\n"));
                await WaitForAsync(() => Directory.Exists(directory) && AuditLogReader.Read(directory).Count() == 2);
            }

            await sink.DisposeAsync();
            open = false;

            var verification = AuditLogVerifier.Verify(directory);
            Assert.True(verification.IsValid, verification.Reason);
            Assert.Equal(2, verification.RecordCount);
            var entries = AuditLogReader.Read(directory).OrderBy(e => e.Status).ToList();
            Assert.Equal([("rejected_by_server", 400, "127.0.0.1"), ("rejected_by_server", 505, "127.0.0.1")], entries.Select(e => (e.Operation, e.Status, e.RemoteAddress)));
            Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.Reason)));
        }
        finally
        {
            if (open)
            {
                await sink.DisposeAsync();
            }

            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("Invalid request line: 'GET /?api-key=secret HTTP/1.1\\x0D\\x0A'", "Invalid request line")]
    [InlineData("The message body length cannot be determined because the final transfer coding was set to 'secret' instead of 'chunked'.",
        "The message body length cannot be determined because the final transfer coding was set to '…' instead of '…'")]
    [InlineData("Request is missing Host header.", "Request is missing Host header")]
    public void The_reason_keeps_Kestrels_words_and_drops_the_requests_bytes(string message, string reason) =>
        Assert.Equal(reason, KeepTrusts.Gateway.Server.KestrelRejectRecorder.Reason(message));

    private static async Task<string> SendRawAsync(GatewayHarness harness, string raw)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, new Uri(harness.Url).Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(raw));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // Kestrel may reset after its answer when unread bytes remain: what was read is the answer.
        }

        return text.ToString();
    }

    private static async Task<AuditRecord> SingleRecordAsync(RecordingAuditSink audit)
    {
        await WaitForAsync(() => !audit.Records.IsEmpty);
        // A second record (a duplicate) would come from the same event handling: give it the same time to land.
        await Task.Delay(200);
        return Assert.Single(audit.Records);
    }

    private static Task WaitForAsync(Func<bool> done) => WaitForAsync(() => Task.FromResult(done()));

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < until, "timed out waiting");
            await Task.Delay(20);
        }
    }
}
