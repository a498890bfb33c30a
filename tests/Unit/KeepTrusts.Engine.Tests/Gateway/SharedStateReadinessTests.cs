using System.Net;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>/readyz reports the shared-state store: a Redis that does not answer degrades readiness without failing it.</summary>
public sealed class SharedStateReadinessTests
{
    [Fact]
    public async Task Readyz_is_degraded_while_the_configured_redis_does_not_answer_and_requests_still_pass()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + """

            gateway:
              state:
                redis: { connection_string: "127.0.0.1:1", connect_timeout_ms: 200 }
            """);

        using var chat = await harness.ChatAsync();
        using var ready = await harness.Http.GetAsync("/readyz");
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("degraded", body["state"]!.ToString());
        Assert.Equal("degraded", body["status"]!.ToString());
    }

    [Fact]
    public async Task Readyz_says_state_is_local_without_gateway_state()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        var body = JsonNode.Parse(await harness.Http.GetStringAsync("/readyz"))!;

        Assert.Equal("local", body["state"]!.ToString());
        Assert.Equal("ready", body["status"]!.ToString());
    }
}
