using System.Net;
using System.Text;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>An upstream (or a proxy before it) that echoes the key it was sent must not pass the gateway's upstream secret on.</summary>
public sealed class UpstreamSecretEchoTests
{
    // The harness's target with retries off; only the audit setting is this test's.
    private static readonly string Config = GatewayHarness.SingleTarget(extra: "      retry: { max_retries: 0 }\n") + """
        policy:
          audit-logger: { log_all_access: true, content: redacted }
        """;

    [Theory]
    [InlineData("application/json", "{\"error\":{\"code\":\"401\",\"message\":\"Access denied: key '" + FakeAzureOpenAI.ApiKey + "' is not valid.\"}}")]
    [InlineData("text/html", "<html><body>bad key " + FakeAzureOpenAI.ApiKey + "</body></html>")]
    public async Task An_upstream_error_that_echoes_the_upstream_key_reaches_neither_client_nor_audit_with_it(string contentType, string upstreamBody)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.Raw(401, contentType, Encoding.UTF8.GetBytes(upstreamBody)));

        using var response = await harness.ChatAsync("hi");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, text);
        var record = audit.Records.Single(r => r.RequestId == response.Headers.GetValues("x-request-id").Single() && r.Status == 401);
        Assert.NotNull(record.UpstreamError);
        Assert.DoesNotContain(FakeAzureOpenAI.ApiKey, record.UpstreamError);
        Assert.Contains("[REDACTED:upstream-credential]", contentType == "application/json" ? text : record.UpstreamError);
    }
}
