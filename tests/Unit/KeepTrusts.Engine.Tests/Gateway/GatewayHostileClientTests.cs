using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>Clients that misbehave on the wire: each gets a clear 4xx or is cut off, and others keep being served.</summary>
public sealed class GatewayHostileClientTests
{
    private static async Task<string> RawAsync(GatewayHarness harness, string request, TimeSpan timeout)
    {
        var uri = new Uri(harness.Url);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16384];
        var text = new StringBuilder();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        return text.ToString();
    }

    [Fact]
    public async Task Slow_header_client_is_cut_off_while_others_are_served()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        var uri = new Uri(harness.Url);
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, uri.Port);
        var slowStream = slow.GetStream();
        await slowStream.WriteAsync(Encoding.ASCII.GetBytes("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"));

        using var normal = await harness.ChatAsync("still served");
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);

        // Dribble one header byte at a time; Kestrel's header timeout (2 s here, 10 s by default) ends it.
        var closed = false;
        for (var i = 0; i < 40 && !closed; i++)
        {
            try
            {
                await slowStream.WriteAsync(Encoding.ASCII.GetBytes("X"));
                await Task.Delay(200);
                closed = slow.Client.Poll(0, SelectMode.SelectRead) && slow.Available == 0 || !slow.Connected;
            }
            catch (IOException)
            {
                closed = true;
            }
        }

        Assert.True(closed, "the slow client was not cut off within 8 s");
    }

    [Fact]
    public async Task Conflicting_content_length_and_chunked_encoding_is_rejected()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        var body = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";

        var response = await RawAsync(harness,
            $"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n{body}\r\n0\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n",
            TimeSpan.FromSeconds(5));

        // Either the framing is refused outright or the chunked body wins; a smuggled second request never runs.
        Assert.True(response.StartsWith("HTTP/1.1 400", StringComparison.Ordinal) || response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), response);
        Assert.DoesNotContain("\"object\":\"list\"", response);
    }

    [Fact]
    public async Task Untrusted_request_id_is_not_echoed_into_headers()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-request-id", "<script>alert(1)</script> set-cookie: a=b");

        using var response = await harness.Http.SendAsync(request);

        var id = response.Headers.GetValues("x-request-id").Single();
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Fact]
    public async Task A_one_megabyte_message_is_answered()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        var big = new string('x', 1024 * 1024);

        using var response = await harness.ChatAsync(big);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(big, Assert.Single(harness.Fake.Requests).Body);
    }

    [Fact]
    public async Task Unknown_route_is_a_404_in_OpenAI_shape()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());

        using var response = await harness.Http.GetAsync("/v1/assistants");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("unknown_route", await response.Content.ReadAsStringAsync());
    }
}
