using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>
/// Values of the right JSON kind outside OpenAI's documented ranges (openai-openapi: n 1–128, temperature 0–2, top_p
/// 0–1, penalties −2–2, top_logprobs 0–20; stream_options only with stream) are a 400 invalid_request_error naming the
/// field, on the OpenAI and the Azure routes alike, and never reach the upstream; values at the bounds, and fields
/// without a documented bound, are forwarded.
/// </summary>
public sealed class RequestValueRangeTests
{
    private static readonly string Config = GatewayHarness.SingleTarget(extra: GatewayHarness.NoRetries) + """
        policy:
          audit-logger: { log_all_access: true, content: redacted }
        """;

    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    [Theory]
    [InlineData("\"n\":-1", "n")]
    [InlineData("\"n\":0", "n")]
    [InlineData("\"n\":129", "n")]
    [InlineData("\"n\":1.5", "n")]
    [InlineData("\"n\":1000000000000000000000", "n")]
    [InlineData("\"temperature\":5", "temperature")]
    [InlineData("\"temperature\":-0.1", "temperature")]
    [InlineData("\"temperature\":1e400", "temperature")]
    [InlineData("\"top_p\":2", "top_p")]
    [InlineData("\"presence_penalty\":-3", "presence_penalty")]
    [InlineData("\"frequency_penalty\":2.5", "frequency_penalty")]
    [InlineData("\"top_logprobs\":21", "top_logprobs")]
    [InlineData("\"stream_options\":{\"include_usage\":true}", "stream_options")]
    [InlineData("\"stream\":false,\"stream_options\":{\"include_usage\":true}", "stream_options")]
    public async Task An_out_of_range_value_is_a_400_naming_the_field_on_both_routes(string field, string param)
    {
        var audit = new RecordingAuditSink();
        await using var harness = await GatewayHarness.StartAsync(Config, audit: audit);
        var body = "{\"model\":\"gpt-4o\"," + field + "," + Messages + "}";

        foreach (var path in new[] { "/v1/chat/completions", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21" })
        {
            var (status, error, requestId) = await PostAsync(harness, path, body);

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(("invalid_request_error", "invalid_request", param), (error["type"]!.ToString(), error["code"]!.ToString(), error["param"]!.ToString()));
            Assert.StartsWith($"'{param}' ", error["message"]!.ToString(), StringComparison.Ordinal);
            Assert.Equal((400, "invalid_request"), (audit.Single(requestId).Status, audit.Single(requestId).ErrorCode));
        }

        Assert.Empty(harness.Fake.Requests);
    }

    [Fact]
    public async Task The_message_gives_the_range_and_a_short_value_but_not_a_huge_one()
    {
        await using var harness = await GatewayHarness.StartAsync(Config);

        var (_, small, _) = await PostAsync(harness, "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"temperature\":5," + Messages + "}");
        var (_, huge, _) = await PostAsync(harness, "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"n\":" + new string('9', 5000) + "," + Messages + "}");

        Assert.Equal("'temperature' must be a number from 0 to 2 (got 5).", small["message"]!.ToString());
        Assert.Equal("'n' must be an integer from 1 to 128.", huge["message"]!.ToString());
    }

    [Fact]
    public async Task A_responses_request_is_checked_against_the_same_sampling_ranges()
    {
        await using var harness = await GatewayHarness.StartAsync(Config);

        var (status, error, _) = await PostAsync(harness, "/v1/responses", "{\"model\":\"gpt-4o\",\"top_p\":1.5,\"input\":\"hi\"}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("top_p", error["param"]!.ToString());
        Assert.Empty(harness.Fake.Requests);
    }

    [Theory]
    [InlineData("\"n\":1,\"temperature\":0,\"top_p\":1,\"presence_penalty\":-2,\"frequency_penalty\":2,\"top_logprobs\":20")]
    [InlineData("\"n\":128,\"temperature\":2,\"top_p\":0")]
    [InlineData("\"n\":null,\"temperature\":null,\"stream_options\":null")]
    [InlineData("\"max_tokens\":0")]                 // no documented minimum: the upstream judges it
    [InlineData("\"max_completion_tokens\":-5,\"seed\":-1")]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":true}")]
    public async Task Values_within_the_documented_ranges_or_without_one_are_forwarded(string fields)
    {
        await using var harness = await GatewayHarness.StartAsync(Config);

        using var content = new StringContent("{\"model\":\"gpt-4o\"," + fields + "," + Messages + "}", Encoding.UTF8, "application/json");
        using var response = await harness.Http.PostAsync("/v1/chat/completions", content);
        await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(harness.Fake.Requests);
    }

    private static async Task<(HttpStatusCode Status, JsonNode Error, string RequestId)> PostAsync(GatewayHarness harness, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await harness.Http.PostAsync(path, content);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return (response.StatusCode, json["error"]!, response.Headers.GetValues("x-request-id").Single());
    }
}
