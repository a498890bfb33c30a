using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>gateway.limits on a real Kestrel: connection count, idle keep-alive, and OpenAI-shaped 414/431.</summary>
public sealed class GatewayLimitsTests
{
    private static string WithLimits(string limits) => GatewayHarness.SingleTarget() + $"gateway:\n  limits: {{ {limits} }}\n";

    private static async Task<TcpClient> ConnectAsync(GatewayHarness harness)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, new Uri(harness.Url).Port);
        return client;
    }

    /// <summary>Reads until the server closes the connection (true) or the timeout passes (false).</summary>
    private static async Task<(bool Closed, string Text)> ReadUntilClosedAsync(TcpClient client, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16384];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await client.GetStream().ReadAsync(buffer, cts.Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return (true, text.ToString());
        }
        catch (OperationCanceledException)
        {
            return (false, text.ToString());
        }
        catch (IOException)
        {
            return (true, text.ToString());
        }
    }

    private static async Task AssertOpenAIErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_over_long_request_line_gets_an_OpenAI_shaped_414()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        using var response = await harness.Http.GetAsync("/v1/models?q=" + new string('a', 10_000));

        await AssertOpenAIErrorAsync(response, HttpStatusCode.RequestUriTooLong, "request_line_too_long");
    }

    [Fact]
    public async Task Over_large_headers_get_an_OpenAI_shaped_431_and_normal_requests_still_pass()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("x-filler", new string('b', 40_000));

        using var response = await harness.Http.SendAsync(request);

        await AssertOpenAIErrorAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge, "request_headers_too_large");
        using var normal = await harness.ChatAsync();
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
    }

    [Fact]
    public async Task More_than_100_header_fields_get_an_OpenAI_shaped_431_not_an_empty_one()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        for (var i = 0; i < 150; i++)
        {
            request.Headers.Add($"x-h{i}", "v");   // 150 short fields: far under the byte limit
        }

        using var response = await harness.Http.SendAsync(request);

        await AssertOpenAIErrorAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge, "request_headers_too_large");
        using var normal = await harness.ChatAsync();
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
    }

    [Fact]
    public async Task An_idle_keep_alive_connection_is_closed_after_the_configured_timeout()
    {
        await using var harness = await GatewayHarness.StartAsync(WithLimits("keep_alive_timeout_seconds: 1"));
        using var client = await ConnectAsync(harness);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));

        // Kestrel checks keep-alive on a one-second heartbeat: closed within a few seconds, not after 130.
        var (closed, text) = await ReadUntilClosedAsync(client, TimeSpan.FromSeconds(15));

        Assert.StartsWith("HTTP/1.1 200", text);
        Assert.True(closed, "the idle connection was still open after 15 s");
    }

    [Fact]
    public async Task Connections_over_the_maximum_are_closed_and_the_held_ones_still_work()
    {
        await using var harness = await GatewayHarness.StartAsync(WithLimits("max_concurrent_connections: 2"));
        using var first = await ConnectAsync(harness);
        using var second = await ConnectAsync(harness);
        foreach (var held in new[] { first, second })
        {
            await held.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
            var buffer = new byte[4096];
            Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buffer, 0, await held.GetStream().ReadAsync(buffer)));
        }

        using var third = await ConnectAsync(harness);
        try
        {
            await third.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
        }
        catch (IOException)
        {
            // Closed before the write: also a refusal.
        }

        var (closed, text) = await ReadUntilClosedAsync(third, TimeSpan.FromSeconds(10));
        Assert.True(closed);
        Assert.Equal(string.Empty, text);
    }

    [Fact]
    public void Limits_outside_their_ranges_are_config_errors_with_locations()
    {
        var result = PolicyConfigLoader.LoadText(WithLimits("keep_alive_timeout_seconds: 0, max_concurrent_connections: -5, max_request_line_bytes: 100")
            .Replace("{base_url}", "https://r.openai.azure.com", StringComparison.Ordinal), "limits.yaml", _ => true);

        Assert.Equal(3, result.Errors.Count(e => e.Code == DiagnosticCodes.OutOfRange));
        Assert.All(result.Errors, e => Assert.StartsWith("gateway.limits.", e.FieldPath));
        Assert.All(result.Errors, e => Assert.Equal(10, e.Location.Line));
    }
}
