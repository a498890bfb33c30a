using System.Diagnostics;
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Keys;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>Virtual keys from gateway.keys.store authenticate at a running kt server, and a revocation applies without restart.</summary>
public sealed class VirtualKeyGatewayTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kt-gw-keys-").FullName;

    private string StorePath => Path.Combine(_directory, "keys.json");

    [Fact]
    public async Task Virtual_key_is_accepted_and_stops_working_within_seconds_of_being_revoked()
    {
        string secret;
        using (var keys = VirtualKeyStore.Open(StorePath))
        {
            secret = keys.Add(new VirtualKeySpec { Alias = "team-a" }).Secret;
            keys.Add(new VirtualKeySpec { Alias = "off", Disabled = true });
        }

        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + $"""

            gateway:
              client_keys:
                - {"{"} id: app1, secret_key_ref: {"{"} env: KT_TEST_CLIENT_KEY {"}"} {"}"}
              keys:
                store: {StorePath}
            """);

        using var accepted = await harness.ChatAsync(bearer: secret);
        using var configKey = await harness.ChatAsync(bearer: "client-secret-key-123");
        using var unknown = await harness.ChatAsync(bearer: VirtualKeyStore.SecretPrefix + "not-a-key");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, configKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        using (var cli = VirtualKeyStore.Open(StorePath))
        {
            cli.Revoke("team-a");
        }

        var watch = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the revoked key was still accepted after 5 s");
            await Task.Delay(50);
            using var response = await harness.ChatAsync(bearer: secret);
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.Unauthorized);

        using var stillFine = await harness.ChatAsync(bearer: "client-secret-key-123");
        Assert.Equal(HttpStatusCode.OK, stillFine.StatusCode);
    }

    [Fact]
    public async Task Model_outside_the_keys_allow_list_is_403_in_the_clients_error_shape_and_audited_under_the_alias()
    {
        string secret;
        using (var keys = VirtualKeyStore.Open(StorePath))
        {
            secret = keys.Add(new VirtualKeySpec { Alias = "team-mini", AllowedModels = ["gpt-4o-mini"] }).Secret;
        }

        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + $"""

            gateway:
              keys:
                store: {StorePath}
            """, audit: audit);

        using var refused = await harness.ChatAsync(model: "gpt-4o", bearer: secret);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("permission_error", error["type"]!.ToString());
        Assert.Equal("model_not_allowed", error["code"]!.ToString());
        Assert.Contains("gpt-4o-mini", error["message"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
        var record = Assert.Single(audit.Records);
        Assert.Equal("team-mini", record.ClientKeyId);
        Assert.Equal(403, record.Status);
        Assert.Equal("model_not_allowed", record.ErrorCode);
        Assert.DoesNotContain(audit.Records, r => (r.ClientKeyId ?? string.Empty).Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disabled_key_is_401_saying_so_and_the_alias_labels_the_request_metrics()
    {
        string off, on;
        using (var keys = VirtualKeyStore.Open(StorePath))
        {
            off = keys.Add(new VirtualKeySpec { Alias = "off", Disabled = true }).Secret;
            on = keys.Add(new VirtualKeySpec { Alias = "team-on" }).Secret;
        }

        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + $"""

            gateway:
              keys:
                store: {StorePath}
            """);

        using var disabled = await harness.ChatAsync(bearer: off);
        var error = JsonNode.Parse(await disabled.Content.ReadAsStringAsync())!["error"]!;
        using var ok = await harness.ChatAsync(bearer: on);
        var metrics = await harness.Http.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);
        Assert.Equal("disabled", error["code"]!.ToString());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("key=\"team-on\"", metrics.Split('\n').Single(l => l.StartsWith("kt_requests_total{", StringComparison.Ordinal) && l.Contains("status=\"200\"", StringComparison.Ordinal)));
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("kt_requests_total{", StringComparison.Ordinal) && l.Contains("status=\"401\"", StringComparison.Ordinal) && l.Contains("key=\"off\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Spend_from_target_pricing_counts_after_the_answer_and_a_spent_daily_budget_is_429()
    {
        string secret;
        using (var keys = VirtualKeyStore.Open(StorePath))
        {
            secret = keys.Add(new VirtualKeySpec { Alias = "team-budget", BudgetUsdPerDay = 1m }).Secret;
        }

        // One prompt token costs 1 USD here, so the first answer spends the whole daily budget.
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      pricing: { input_per_million: 1000000, output_per_million: 2000000 }\n") + $"""

            gateway:
              keys:
                store: {StorePath}
            """);

        using var first = await harness.ChatAsync(bearer: secret);
        using var second = await harness.ChatAsync(bearer: secret);
        var error = JsonNode.Parse(await second.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("daily_budget_spent", error["code"]!.ToString());
        Assert.Equal("rate_limit_error", error["type"]!.ToString());
        Assert.Single(harness.Fake.Requests);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Keeps the records the gateway writes, to read them back in the test.</summary>
    private sealed class RecordingAuditSink : IAuditSink
    {
        private readonly ConcurrentQueue<AuditRecord> _records = new();

        public IReadOnlyList<AuditRecord> Records => [.. _records];

        public ValueTask WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
        {
            _records.Enqueue(record);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
