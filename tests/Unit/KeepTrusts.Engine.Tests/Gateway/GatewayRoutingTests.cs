using System.Net;
using System.Text.Json.Nodes;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway;

public sealed class GatewayRoutingTests
{
    [Fact]
    public async Task Azure_target_gets_deployment_path_api_version_and_api_key_header_without_prefix()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      headers:\n        x-ms-client-request-source: keeptrusts\n", deployment: "gpt4o-prod"));

        using var response = await harness.ChatAsync("hello there");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(harness.Fake.Requests);
        Assert.Equal("/openai/deployments/gpt4o-prod/chat/completions", request.Path);
        Assert.Equal("?api-version=2024-10-21", request.Query);
        Assert.Equal(FakeAzureOpenAI.ApiKey, request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("keeptrusts", request.Headers["x-ms-client-request-source"]);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Hello from gpt4o-prod: hello there", body["choices"]![0]!["message"]!["content"]!.ToString());
        Assert.Equal("azure-a", response.Headers.GetValues("x-keeptrusts-target").Single());
    }

    [Fact]
    public async Task Deployment_defaults_to_model_and_api_version_to_the_GA_version()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              targets:
                - { id: a, provider: azure-openai, model: gpt-4o, base_url: "{base_url}" }
            """);

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(harness.Fake.Requests);
        Assert.Equal("/openai/deployments/gpt-4o/chat/completions", request.Path);
        Assert.Equal("?api-version=" + KeepTrusts.Engine.Configuration.TargetOptions.DefaultAzureApiVersion, request.Query);
    }

    [Fact]
    public async Task Path_template_and_custom_key_header_are_honoured()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      path_template: /openai/deployments/{deployment}/chat/completions\n      api_key_header: api-key\n      api_key_prefix: \"\"\n", deployment: "custom"));

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/openai/deployments/custom/chat/completions", Assert.Single(harness.Fake.Requests).Path);
    }

    [Fact]
    public async Task Embeddings_route_to_the_deployment_embeddings_path()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              targets:
                - { id: e, provider: azure-openai, model: text-embedding-3-small, base_url: "{base_url}", azure_api_version: "2024-10-21" }
            """);

        using var response = await harness.Http.PostAsync("/v1/embeddings",
            new StringContent("""{"model":"text-embedding-3-small","input":["a","b"]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/openai/deployments/text-embedding-3-small/embeddings", Assert.Single(harness.Fake.Requests).Path);
        Assert.Equal(2, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray().Count);
    }

    [Fact]
    public async Task Fallback_moves_to_next_target_after_503()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              strategy: fallback
              retry: { max_retries: 1, base_delay_ms: 10, max_delay_ms: 50 }
              targets:
                - { id: eastus, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: east, azure_api_version: "2024-10-21" }
                - { id: westeurope, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: west, azure_api_version: "2024-10-21" }
            """);
        harness.Fake.SetDefault("east", FakeBehavior.Status(503));

        using var response = await harness.ChatAsync("hi");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("westeurope", response.Headers.GetValues("x-keeptrusts-target").Single());
        Assert.Equal(2, harness.Fake.CountFor("east"));
        Assert.Equal(1, harness.Fake.CountFor("west"));
        var metrics = await harness.Http.GetStringAsync("/metrics");
        Assert.Contains("kt_fallbacks_total{from=\"eastus\",reason=\"HTTP 503\"} 1", metrics);
        Assert.Contains("kt_retries_total{target=\"eastus\"} 1", metrics);
    }

    [Fact]
    public async Task Fallback_after_connection_refused_costs_one_hop_not_an_error()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              retry: { max_retries: 0 }
              targets:
                - { id: dead, provider: azure-openai, model: gpt-4o, base_url: "https://127.0.0.1:9", azure_api_version: "2024-10-21" }
                - { id: alive, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_api_version: "2024-10-21" }
            """);

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alive", response.Headers.GetValues("x-keeptrusts-target").Single());
    }

    [Fact]
    public async Task Client_gets_the_last_error_when_every_target_fails()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              retry: { max_retries: 0 }
              targets:
                - { id: a, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: a, azure_api_version: "2024-10-21" }
                - { id: b, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: b, azure_api_version: "2024-10-21" }
            """);
        harness.Fake.SetDefault("a", FakeBehavior.Status(500));
        harness.Fake.SetDefault("b", FakeBehavior.Status(502));

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Fake upstream answered 502", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Weighted_round_robin_spreads_by_weight()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              strategy: weighted_round_robin
              targets:
                - { id: big, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: big, azure_api_version: "2024-10-21", weight: 3 }
                - { id: small, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: small, azure_api_version: "2024-10-21", weight: 1 }
            """);

        for (var i = 0; i < 40; i++)
        {
            using var response = await harness.ChatAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(30, harness.Fake.CountFor("big"));
        Assert.Equal(10, harness.Fake.CountFor("small"));
    }

    [Fact]
    public async Task Retry_honours_retry_after_ms()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      retry: { max_retries: 2, base_delay_ms: 1, max_delay_ms: 5000 }\n"));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.RateLimited(retryAfterMs: 400));

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requests = harness.Fake.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        // base_delay_ms is 1 ms: only the upstream's retry-after-ms explains a wait this long.
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(380),
            $"second attempt came {(requests[1].ReceivedAt - requests[0].ReceivedAt).TotalMilliseconds} ms after the first");
    }

    [Fact]
    public async Task Retry_after_is_capped_by_max_delay()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      retry: { max_retries: 1, base_delay_ms: 1, max_delay_ms: 50 }\n"));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.RateLimited(retryAfterMs: 60_000));

        using var response = await harness.ChatAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, harness.Fake.Requests.Count);
    }

    [Fact]
    public async Task Exhausted_429_reaches_the_client_with_its_retry_headers()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      retry: { max_retries: 1, base_delay_ms: 1, max_delay_ms: 20 }\n"));
        harness.Fake.SetDefault("gpt-4o", FakeBehavior.RateLimited(retryAfterMs: 10));

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("10", response.Headers.GetValues("retry-after-ms").Single());
        Assert.Equal(2, harness.Fake.Requests.Count);
    }

    [Fact]
    public async Task Circuit_opens_after_consecutive_failures_and_recovers_after_the_break()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      retry: { max_retries: 0 }\n      circuit_breaker: { consecutive_failures: 2, break_seconds: 1 }\n"));
        harness.Fake.SetDefault("gpt-4o", FakeBehavior.Status(503));

        (await harness.ChatAsync()).Dispose();
        (await harness.ChatAsync()).Dispose();
        using var open = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, open.StatusCode);
        Assert.Contains("circuit_open", await open.Content.ReadAsStringAsync());
        Assert.Equal(2, harness.Fake.Requests.Count);
        using var notReady = await harness.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Contains("kt_circuit_state{target=\"azure-a\"} 2", await harness.Http.GetStringAsync("/metrics"));

        harness.Fake.ClearDefault("gpt-4o");
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        using var recovered = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        using var ready = await harness.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("kt_circuit_state{target=\"azure-a\"} 0", await harness.Http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Target_rate_limit_answers_429_with_retry_after()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      rate_limit: { requests_per_minute: 2 }\n"));

        (await harness.ChatAsync()).Dispose();
        (await harness.ChatAsync()).Dispose();
        using var limited = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(limited.Headers.GetValues("retry-after").Single());
        Assert.InRange(retryAfter, 1, 60);
        var error = JsonNode.Parse(await limited.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("rate_limit_error", error["type"]!.ToString());
        Assert.Equal(2, harness.Fake.Requests.Count);
    }

    [Fact]
    public async Task Client_key_rate_limit_applies_per_key()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + """

            gateway:
              client_keys:
                - id: app1
                  secret_key_ref: { env: KT_TEST_CLIENT_KEY }
                  rate_limit: { requests_per_minute: 1 }
            """);

        using var first = await harness.ChatAsync(bearer: "client-secret-key-123");
        using var second = await harness.ChatAsync(bearer: "client-secret-key-123");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.Contains("retry-after"));
    }

    [Fact]
    public async Task Pricing_turns_usage_into_cost_in_metrics()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(
            extra: "      pricing: { input_per_million: 1000000, output_per_million: 2000000 }\n"));

        using var response = await harness.ChatAsync("count me");
        var usage = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!;
        var expected = usage["prompt_tokens"]!.GetValue<int>() * 1 + usage["completion_tokens"]!.GetValue<int>() * 2;

        var metrics = await harness.Http.GetStringAsync("/metrics");
        Assert.Contains($"kt_cost_usd_total{{target=\"azure-a\",model=\"gpt-4o\",key=\"\"}} {expected}", metrics);
        Assert.Contains($"kt_tokens_total{{target=\"azure-a\",model=\"gpt-4o\",kind=\"prompt\",key=\"\"}} {usage["prompt_tokens"]}", metrics);
    }
}
