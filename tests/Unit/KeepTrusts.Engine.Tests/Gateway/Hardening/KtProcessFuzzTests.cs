using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Testing;
using Xunit.Abstractions;

namespace KeepTrusts.Engine.Tests.Gateway.Hardening;

/// <summary>The fuzz generators against the real kt executable (its own process, its own audit files), and the echo target's 500s from issue 12.</summary>
public sealed class KtProcessFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("kt-fuzz-").FullName;

    [Fact]
    public async Task Generated_requests_through_a_real_kt_process_get_no_undocumented_5xx_and_lose_no_audit_record()
    {
        await using var fake = await FakeAzureOpenAI.StartAsync(https: false);
        var tried = 0;
        await using (var kt = KtRedactingGateway.Start(_work, "fuzz-process", fake))
        {
            var url = await kt.WaitForListeningAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            await Gen.Select(FuzzCases.ClientBody, FuzzCases.Upstream, Gen.Bool).SampleAsync(async (body, upstream, azure) =>
            {
                fake.SetDefault("gpt-4o", FakeBehavior.Raw(upstream.Status, upstream.ContentType, upstream.Body));
                using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                using var response = await http.PostAsync(azure ? "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21" : "/v1/chat/completions", content);
                var text = await response.Content.ReadAsStringAsync();
                tried++;
                var status = (int)response.StatusCode;
                Assert.True(status < 500 || status is 502 or 503 or 504 || status == upstream.Status, $"{status}: {text}");
                Assert.False(string.IsNullOrEmpty(text), $"empty body with {status}");
                if (status >= 400)
                {
                    using var error = JsonDocument.Parse(text);
                    Assert.Equal(JsonValueKind.String, error.RootElement.GetProperty("error").GetProperty("message").ValueKind);
                }
            }, iter: 300, threads: 1);

            fake.SetDefault("gpt-4o", FakeBehavior.Ok());
            using var ok = new StringContent("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
            using var after = await http.PostAsync("/v1/chat/completions", ok);
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            tried++;
            kt.Terminate();
            await kt.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var records = AuditLogReader.Read(Path.Combine(_work, "audit")).Count();
        output.WriteLine($"fuzz through kt: {tried} requests tried, {records} audit records");
        Console.WriteLine($"KeepTrusts fuzz (kt process): {tried} cases tried, {tried - records} records lost");
        Assert.Equal(tried, records);
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":{"a":1}}]}]}""", "invalid_request")]
    [InlineData("""{"model":"gpt-4o","stream":true,"stream_options":"include","messages":[{"role":"user","content":"hi"}]}""", "invalid_request")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"model":"gpt-4o"}""", "invalid_json")]
    public async Task Echo_target_answers_malformed_requests_with_a_400_not_a_500(string body, string code)
    {
        await using var harness = await GatewayHarness.StartAsync("""
            pack: { name: echo }
            providers:
              targets:
                - { id: echo, provider: echo, model: gpt-4o }
            """);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await harness.Http.PostAsync("/v1/chat/completions", content);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, error.GetProperty("code").GetString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
