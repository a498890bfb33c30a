using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>A compressed (or compressed-labelled) body is refused with a 415 naming Content-Encoding, not misread as broken JSON.</summary>
public sealed class ContentEncodingTests
{
    private const string Chat = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""";

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("br", false)]
    public async Task A_body_with_a_content_encoding_is_a_415_that_names_it(string encoding, bool compress)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget() + "\npolicy:\n  audit-logger: { log_all_access: true }\n", audit: audit);
        var bytes = Encoding.UTF8.GetBytes(Chat);
        if (compress)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
            {
                gzip.Write(bytes);
            }

            bytes = buffer.ToArray();
        }

        using var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        content.Headers.TryAddWithoutValidation("Content-Encoding", encoding);

        using var response = await harness.Http.PostAsync("/v1/chat/completions", content);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("unsupported_content_encoding", error["code"]!.ToString());
        Assert.Contains($"Content-Encoding '{encoding}'", error["message"]!.ToString());
        Assert.Equal(415, audit.Single(response.Headers.GetValues("x-request-id").Single()).Status);
        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task Identity_encoding_is_accepted()
    {
        await using var harness = await GatewayHarness.StartAsync(GatewayHarness.SingleTarget());
        using var content = new StringContent(Chat, Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add("identity");

        using var response = await harness.Http.PostAsync("/v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
