using System.Net;
using KeepTrusts.Engine.Tests.Gateway;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Resilience;

/// <summary>Upstream faults not covered elsewhere, each with what the client sees.</summary>
public sealed class UpstreamFaultTests
{
    [Fact]
    public async Task Slow_first_byte_past_the_timeout_fails_over_to_the_next_target()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              retry: { max_retries: 0 }
              targets:
                - { id: slow, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: slow, azure_api_version: "2024-10-21", timeout_seconds: 1 }
                - { id: fast, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: fast, azure_api_version: "2024-10-21" }
            """);
        harness.Fake.SetDefault("slow", FakeBehavior.Slow(TimeSpan.FromSeconds(5)));

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fast", response.Headers.GetValues("x-keeptrusts-target").Single());
    }

    [Fact]
    public async Task A_429_storm_is_retried_with_the_upstreams_delay_then_answered()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget(extra: "      retry: { max_retries: 3, base_delay_ms: 1, max_delay_ms: 1000 }\n"));
        harness.Fake.Enqueue("gpt-4o", FakeBehavior.RateLimited(100), FakeBehavior.RateLimited(100), FakeBehavior.RateLimited(100));

        using var response = await harness.ChatAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var times = harness.Fake.Requests.Select(r => r.ReceivedAt).ToArray();
        Assert.Equal(4, times.Length);
        for (var i = 1; i < times.Length; i++)
        {
            Assert.True(times[i] - times[i - 1] >= TimeSpan.FromMilliseconds(90), $"retry {i} came after {(times[i] - times[i - 1]).TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task A_503_storm_opens_the_circuit_the_fallback_serves_and_the_primary_recovers()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              retry: { max_retries: 0 }
              circuit_breaker: { consecutive_failures: 3, break_seconds: 1 }
              targets:
                - { id: primary, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: primary, azure_api_version: "2024-10-21" }
                - { id: secondary, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: secondary, azure_api_version: "2024-10-21" }
            """);
        harness.Fake.SetDefault("primary", FakeBehavior.Status(503));

        for (var i = 0; i < 10; i++)
        {
            using var response = await harness.ChatAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Three failures opened the circuit; the other seven went straight to the secondary.
        Assert.Equal(3, harness.Fake.CountFor("primary"));
        Assert.Equal(10, harness.Fake.CountFor("secondary"));

        harness.Fake.ClearDefault("primary");
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        using var recovered = await harness.ChatAsync();
        Assert.Equal("primary", recovered.Headers.GetValues("x-keeptrusts-target").Single());
    }
}
