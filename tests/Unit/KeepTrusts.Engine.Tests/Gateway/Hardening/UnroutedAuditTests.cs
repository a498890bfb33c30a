using System.Net;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>
/// Requests answered without a model operation — no route took them, the models listing, the first middleware's
/// 414/431 — get an outcome like every other request: counted in kt_requests_total under operation not_routed or
/// models, and with log_all_access an audit record (request id, method, path cut to a bound, status, error code, no body).
/// </summary>
public sealed class UnroutedAuditTests
{
    // The target block is the harness's; only the audit and gateway settings are this test's.
    private static readonly string Config = GatewayHarness.SingleTarget() + """
        policy:
          audit-logger: { log_all_access: true, content: redacted }
        gateway:
          client_keys:
            - id: app
              secret_key_ref: { env: KT_TEST_CLIENT_KEY }
        """;

    private const string Key = "client-secret-key-123";

    [Theory]
    [InlineData("GET", "/v1/nope", "unknown_route")]
    [InlineData("GET", "/v1/chat/completions", "unknown_route")]
    [InlineData("DELETE", "/v1/chat/completions", "unknown_route")]
    [InlineData("POST", "/openai/nope", "404")]
    [InlineData("GET", "/v1/nope.json", "unknown_route")]         // a file-like last segment, which MapFallback's {*path:nonfile} skips
    [InlineData("POST", "/openai/deployments/x/y.txt", "404")]
    public async Task Unknown_route_or_method_is_audited_as_not_routed(string method, string path, string code)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Key);

        using var response = await harness.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(code, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.ToString());
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.Equal((404, code, method, path, "not_routed"), (record.Status, record.ErrorCode, record.Method, record.Path, record.Operation));
        Assert.Null(record.PromptContent);
        Assert.Empty(harness.Fake.Requests);
    }

    [Theory]
    [InlineData("/v1/models", Key, 200, null, "app")]
    [InlineData("/openai/v1/models", Key, 200, null, "app")]
    [InlineData("/v1/models", null, 401, "invalid_api_key", null)]
    [InlineData("/v1/models", "nope", 401, "invalid_api_key", null)]
    [InlineData("/v1/models/gpt-nope", Key, 404, "model_not_found", "app")]
    public async Task Models_listing_is_audited_with_its_status(string path, string? key, int status, string? code, string? clientKeyId)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }

        using var response = await harness.Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.Equal((status, code, "GET", path, "models", clientKeyId), (record.Status, record.ErrorCode, record.Method, record.Path, record.Operation, record.ClientKeyId));
        Assert.Null(record.CompletionContent);
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task Too_many_header_fields_431_is_audited_as_not_routed()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        for (var i = 0; i < 150; i++)
        {
            request.Headers.TryAddWithoutValidation($"x-filler-{i}", "1");
        }

        using var response = await harness.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.Equal((431, "request_headers_too_large", "/v1/models", "not_routed"), (record.Status, record.ErrorCode, record.Path, record.Operation));
    }

    [Theory]
    [InlineData(8192, 414, "request_line_too_long")]   // over the request line limit: the first middleware's 414
    [InlineData(16384, 404, "unknown_route")]          // within a raised limit: no route takes it
    public async Task A_10_KB_path_is_cut_in_the_audit_record(int maxRequestLine, int status, string code)
    {
        var audit = new RecordingAuditSink();
        var config = Config.Replace("gateway:\n", $"gateway:\n  limits: {{ max_request_line_bytes: {maxRequestLine} }}\n", StringComparison.Ordinal);
        await using var harness = await GatewayHarness.StartAsync(config, audit: audit);
        var path = "/v1/" + new string('a', 10_000);

        using var response = await harness.Http.GetAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        var record = audit.Single(response.Headers.GetValues("x-request-id").Single());
        Assert.Equal((code, "not_routed"), (record.ErrorCode, record.Operation));
        Assert.StartsWith(path[..AuditRecord.MaxPathChars], record.Path, StringComparison.Ordinal);
        Assert.EndsWith($"…[truncated: {path.Length} chars in all]", record.Path, StringComparison.Ordinal);
        Assert.True(audit.LargestRecordBytes < 2048, $"record of {audit.LargestRecordBytes} bytes");
    }

    [Fact]
    public async Task Without_log_all_access_they_are_counted_in_kt_requests_total_but_not_audited()
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config.Replace("log_all_access: true", "log_all_access: false", StringComparison.Ordinal), audit: audit);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models"))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Key);
            using var models = await harness.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        }

        using var unknown = await harness.Http.GetAsync("/v1/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        Assert.Empty(audit.Records);
        var metrics = await harness.Http.GetStringAsync("/metrics");
        Assert.Matches("kt_requests_total\\{[^}]*operation=\"models\"[^}]*status=\"200\"[^}]*\\} 1", metrics);
        Assert.Matches("kt_requests_total\\{[^}]*operation=\"not_routed\"[^}]*status=\"404\"[^}]*\\} 1", metrics);
    }

    [Fact]
    public async Task Their_records_verify_in_the_chain_and_read_back_with_operation_method_and_path()
    {
        var directory = Path.Combine(Path.GetTempPath(), "kt-unrouted-" + Guid.NewGuid().ToString("N"));
        var yaml = Config.Replace("policy:\n  audit-logger: { log_all_access: true, content: redacted }",
            $"policies: {{ chain: [audit-logger] }}\npolicy:\n  audit-logger: {{ log_all_access: true, content: redacted, path: \"{directory}\" }}", StringComparison.Ordinal);
        var config = PolicyConfigLoader.LoadText(yaml.Replace("{base_url}", "https://127.0.0.1:1", StringComparison.Ordinal), "t.yaml", _ => true).Config!;
        var sink = PolicyChainFactory.CreateAuditSink(config)!;
        var open = true;
        try
        {
            await using (var harness = await GatewayHarness.StartAsync(yaml, audit: sink))
            {
                using var models = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
                models.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Key);
                (await harness.Http.SendAsync(models)).Dispose();
                (await harness.Http.GetAsync("/v1/models")).Dispose();
                (await harness.Http.GetAsync("/v1/nope")).Dispose();
                (await harness.Http.GetAsync("/v1/" + new string('b', 10_000))).Dispose();
            }

            await sink.DisposeAsync();
            open = false;

            var verification = AuditLogVerifier.Verify(directory);
            Assert.True(verification.IsValid, verification.Reason);
            Assert.Equal(4, verification.RecordCount);
            var entries = AuditLogReader.Read(directory).ToList();
            Assert.Equal(
                [("GET", "/v1/models", "models", 200), ("GET", "/v1/models", "models", 401), ("GET", "/v1/nope", "not_routed", 404)],
                entries.Take(3).Select(e => (e.Method, e.Path, e.Operation, e.Status)));
            Assert.Equal((414, "not_routed"), (entries[3].Status, entries[3].Operation));
            Assert.DoesNotContain(new string('b', AuditRecord.MaxPathChars + 1), File.ReadAllText(AuditChain.Files(directory)[0]));
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
}
