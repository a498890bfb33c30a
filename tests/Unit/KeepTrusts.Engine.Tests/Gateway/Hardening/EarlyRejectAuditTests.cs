using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>
/// Requests the host refuses before the body reaches the pipeline (no key, wrong media type, too large, Azure's
/// api-version) get the same record as every other early reject: with log_all_access, an audit record.
/// </summary>
public sealed class EarlyRejectAuditTests
{
    // The target block is the harness's; only the audit and gateway settings are this test's.
    private static readonly string Config = GatewayHarness.SingleTarget() + """
        policy:
          audit-logger: { log_all_access: true, content: redacted }
        gateway:
          max_request_body_bytes: 2000
          client_keys:
            - id: app
              secret_key_ref: { env: KT_TEST_CLIENT_KEY }
        """;

    private const string Key = "client-secret-key-123";
    private const string Chat = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData("no key", "/v1/chat/completions", "application/json", null, 401, "invalid_api_key")]
    [InlineData("wrong key", "/v1/chat/completions", "application/json", "nope", 401, "invalid_api_key")]
    [InlineData("text/plain", "/v1/chat/completions", "text/plain", Key, 415, "unsupported_media_type")]
    [InlineData("jsonl", "/v1/chat/completions", "application/jsonl", Key, 415, "unsupported_media_type")]
    [InlineData("too large", "/v1/chat/completions", "application/json", Key, 413, "request_too_large")]
    [InlineData("no api-version", "/openai/deployments/gpt-4o/chat/completions", "application/json", Key, 404, "404")]
    public async Task Early_reject_has_its_error_body_and_an_audit_record_with_log_all_access(string what, string path, string contentType, string? key, int status, string code)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        var body = what == "too large" ? Chat.Replace("hi", new string('a', 3000), StringComparison.Ordinal) : Chat;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }

        using var response = await harness.Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(code, error["code"]!.ToString());
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.Equal(status, record.Status);
        Assert.Equal(code, record.ErrorCode);
        Assert.Equal(path, record.Path);
        Assert.Equal(key == Key ? "app" : null, record.ClientKeyId);
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task A_401_is_counted_in_kt_requests_total_without_log_all_access_and_not_audited()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config.Replace("log_all_access: true", "log_all_access: false", StringComparison.Ordinal), audit: audit);

        using var response = await harness.Http.PostAsync("/v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(audit.Records);
        Assert.Matches("kt_requests_total\\{[^}]*status=\"401\"[^}]*\\} 1", await GetMetricsAsync(harness));
    }

    [Fact]
    public async Task A_malformed_chunked_body_is_a_400_that_says_so_and_is_audited()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(new Uri(harness.Url).Host, new Uri(harness.Url).Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Key + "\r\nContent-Type: application/json\r\n" +
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);

        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 400", text);
        Assert.Contains("\"code\":\"bad_request_body\"", text);
        Assert.Contains("framing is not valid HTTP", text);
        Assert.Contains(audit.Records, r => r.Status == 400 && r.ErrorCode == "bad_request_body");
    }

    private static async Task<string> GetMetricsAsync(GatewayHarness harness)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        using var response = await harness.Http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}
