using System.Net.Http.Headers;
using System.Text;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;
using KeepTrusts.Gateway.Server;
using KeepTrusts.Testing;
using Microsoft.AspNetCore.Builder;

namespace KeepTrusts.Engine.Tests.Gateway;

/// <summary>A real kt server (Kestrel, loopback, free port) in front of a real fake Azure OpenAI, both in this process.</summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    private GatewayHarness(FakeAzureOpenAI fake, WebApplication app, string url, PolicyConfig config)
    {
        Fake = fake;
        App = app;
        Url = url;
        Config = config;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public FakeAzureOpenAI Fake { get; }

    public WebApplication App { get; }

    public string Url { get; }

    public PolicyConfig Config { get; }

    public HttpClient Http { get; }

    public static readonly Dictionary<string, string> Environment = new()
    {
        ["AZURE_OPENAI_API_KEY"] = FakeAzureOpenAI.ApiKey,
        ["KT_TEST_CLIENT_KEY"] = "client-secret-key-123",
    };

    /// <summary>Starts both servers. <paramref name="yaml"/> may use {base_url} for the fake's URL.</summary>
    public static async Task<GatewayHarness> StartAsync(string yaml, PolicyChain? chain = null, UpstreamCredentials? credentials = null, KeepTrusts.Engine.Audit.IAuditSink? audit = null)
    {
        var fake = await FakeAzureOpenAI.StartAsync().ConfigureAwait(false);
        var text = yaml.Replace("{base_url}", fake.BaseUrl, StringComparison.Ordinal);
        var result = PolicyConfigLoader.LoadText(text, "harness.yaml", _ => true);
        Assert.True(result.IsValid, string.Join(System.Environment.NewLine, result.Errors));
        var app = GatewayServer.Build(new GatewayServerOptions
        {
            Config = result.Config!,
            Listen = "127.0.0.1:0",
            Chain = chain,
            Audit = audit,
            UpstreamHandler = new UpstreamHandler(UpstreamHandler.CreateNetworkHandler(skipCertificateCheck: true)),
            ReadEnvironment = name => Environment.GetValueOrDefault(name),
            Credentials = credentials,
            Quiet = true,
            ShutdownTimeoutSeconds = 10,
            RequestHeadersTimeout = TimeSpan.FromSeconds(2),
        });
        await app.StartAsync().ConfigureAwait(false);
        return new GatewayHarness(fake, app, GatewayServer.BoundAddress(app), result.Config!);
    }

    /// <summary>The <c>extra</c> for <see cref="SingleTarget"/> that turns retries off: one upstream answer, one attempt.</summary>
    public const string NoRetries = "      retry: { max_retries: 0 }\n";

    public static string SingleTarget(string extra = "", string deployment = "") => $$"""
        pack: { name: harness }
        providers:
          targets:
            - id: azure-a
              provider: azure-openai
              model: gpt-4o
              base_url: {base_url}
              azure_api_version: "2024-10-21"
        {{(deployment.Length > 0 ? $"      azure_deployment: {deployment}\n" : string.Empty)}}{{extra}}
        """;

    public Task<HttpResponseMessage> ChatAsync(string content = "hello", bool stream = false, string model = "gpt-4o", string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(content)}}}]}""",
                Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return Http.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
        await Fake.DisposeAsync().ConfigureAwait(false);
    }
}
