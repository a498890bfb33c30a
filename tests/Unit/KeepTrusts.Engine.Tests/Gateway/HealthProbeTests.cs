using System.Net;
using System.Text.Json.Nodes;
using KeepTrusts.Testing;

namespace KeepTrusts.Engine.Tests.Gateway;

public sealed class HealthProbeTests
{
    [Fact]
    public async Task Failed_probes_take_a_target_out_of_rotation_and_readyz_shows_it_until_it_recovers()
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: t }
            providers:
              targets:
                - { id: eastus, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: east, azure_api_version: "2024-10-21",
                    health_probe: { interval_seconds: 1, timeout_seconds: 1, unhealthy_threshold: 1, healthy_threshold: 1 } }
                - { id: westeurope, provider: azure-openai, model: gpt-4o, base_url: "{base_url}", azure_deployment: west, azure_api_version: "2024-10-21" }
            """);
        harness.Fake.ModelsStatus = 503;

        var probe = await WaitForAsync(harness, "unhealthy");
        Assert.Equal("unhealthy", probe);
        Assert.Contains(harness.Fake.Requests, r => r.Method == "GET" && r.Path == "/openai/models");

        // Out of rotation: the primary is skipped although it is listed first.
        using (var skipped = await harness.ChatAsync())
        {
            Assert.Equal("westeurope", skipped.Headers.GetValues("x-keeptrusts-target").Single());
        }

        harness.Fake.ModelsStatus = 200;
        Assert.Equal("healthy", await WaitForAsync(harness, "healthy"));
        using var response = await harness.ChatAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("eastus", response.Headers.GetValues("x-keeptrusts-target").Single());
    }

    private static async Task<string> WaitForAsync(GatewayHarness harness, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string probe;
        do
        {
            var ready = JsonNode.Parse(await harness.Http.GetStringAsync("/readyz"))!;
            probe = ready["targets"]!.AsArray().Single(t => t!["id"]!.ToString() == "eastus")!["probe"]!.ToString();
            if (probe == state)
            {
                return probe;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return probe;
    }
}
