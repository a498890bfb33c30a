using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace KeepTrusts.Testing;

/// <summary>
/// A local Kestrel stand-in for Azure OpenAI that checks what the real service checks — the deployment path,
/// an api-version, the api-key header (or an Entra bearer token) — and answers in its shapes, including
/// prompt_filter_results / content_filter_results and streamed chunks. Tests script faults per deployment:
/// 429 with retry-after-ms, 5xx, slow answers, resets mid-body or mid-stream, stalls, content_filter 400, truncated JSON.
/// </summary>
public sealed class FakeAzureOpenAI : IAsyncDisposable
{
    public const string ApiKey = "fake-azure-key-0123456789abcdef";
    public const string EntraToken = "fake-entra-token";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeBehavior>> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeBehavior> _defaults = new(StringComparer.Ordinal);

    private FakeAzureOpenAI(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>https://127.0.0.1:port (or http:// when started without TLS).</summary>
    public string BaseUrl { get; }

    private int _abortedByClient;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Requests whose caller closed the connection before the fake finished answering.</summary>
    public int AbortedByClient => Volatile.Read(ref _abortedByClient);

    /// <summary>Status of GET /openai/models, the URL active health probes use (tests make a region "go down").</summary>
    public int ModelsStatus { get; set; } = 200;

    /// <summary>Number of requests that reached a deployment (any outcome).</summary>
    public int CountFor(string deployment) => Requests.Count(r => r.Deployment == deployment);

    /// <summary>Starts the fake on a free loopback port; with <paramref name="https"/> it uses a self-signed certificate.</summary>
    public static async Task<FakeAzureOpenAI> StartAsync(bool https = true)
    {
        FakeAzureOpenAI? fake = null;
        var (app, url) = await LoopbackApp.StartAsync(
            context => fake!.HandleAsync(context),
            listen => { if (https) { listen.UseHttps(TestCertificates.Create("localhost", "127.0.0.1")); } }).ConfigureAwait(false);
        fake = new FakeAzureOpenAI(app, url);
        return fake;
    }

    /// <summary>Queues behaviours for the next requests to <paramref name="deployment"/>, in order.</summary>
    public void Enqueue(string deployment, params FakeBehavior[] behaviors)
    {
        var queue = _scripts.GetOrAdd(deployment, _ => new ConcurrentQueue<FakeBehavior>());
        foreach (var behavior in behaviors)
        {
            queue.Enqueue(behavior);
        }
    }

    /// <summary>What a deployment does once its queue is empty (default: answer normally).</summary>
    public void SetDefault(string deployment, FakeBehavior behavior) => _defaults[deployment] = behavior;

    public void ClearDefault(string deployment) => _defaults.TryRemove(deployment, out _);

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var deployment = segments.Length >= 3 && segments[0] == "openai" && segments[1] == "deployments" ? segments[2] : string.Empty;
        var operation = segments.Length >= 4 ? string.Join('/', segments[3..]) : string.Empty;
        if (path == "/openai/v1/responses")
        {
            // The v1 API names the deployment in the body's model; scripts are keyed by it the same way.
            operation = "responses";
            deployment = ModelOf(body);
        }
        var record = new RecordedRequest(
            context.Request.Method, path, context.Request.QueryString.Value ?? string.Empty, deployment, operation,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, DateTimeOffset.UtcNow);
        Requests.Enqueue(record);

        if (context.Request.Method == "GET" && path == "/openai/models")
        {
            await WriteJsonAsync(context, ModelsStatus, ModelsStatus == 200 ? """{"data":[],"object":"list"}""" : """{"error":{"code":"ServiceUnavailable","message":"down"}}""").ConfigureAwait(false);
            return;
        }

        if (deployment.Length == 0 || operation is not ("chat/completions" or "embeddings" or "responses"))
        {
            await WriteJsonAsync(context, 404, """{"error":{"code":"404","message":"Resource not found"}}""").ConfigureAwait(false);
            return;
        }

        if (operation != "responses" && string.IsNullOrEmpty(context.Request.Query["api-version"]))
        {
            await WriteJsonAsync(context, 404, """{"error":{"code":"404","message":"Resource not found"}}""").ConfigureAwait(false);
            return;
        }

        var key = context.Request.Headers["api-key"].ToString();
        var bearer = context.Request.Headers.Authorization.ToString();
        if (key != ApiKey && bearer != "Bearer " + EntraToken)
        {
            await WriteJsonAsync(context, 401, """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}""").ConfigureAwait(false);
            return;
        }

        var behavior = _scripts.TryGetValue(deployment, out var queue) && queue.TryDequeue(out var next)
            ? next
            : _defaults.GetValueOrDefault(deployment) ?? FakeBehavior.Ok();

        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        if (json is null)
        {
            await WriteJsonAsync(context, 400, """{"error":{"code":"BadRequest","message":"Invalid JSON body"}}""").ConfigureAwait(false);
            return;
        }

        try
        {
            await behavior.ExecuteAsync(context, deployment, operation, json).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away mid-answer: what disconnect propagation tests look for.
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            Interlocked.Increment(ref _abortedByClient);
        }
    }

    private static string ModelOf(string body)
    {
        try
        {
            return (JsonNode.Parse(body) as JsonObject)?["model"]?.ToString() ?? string.Empty;
        }
        catch (System.Text.Json.JsonException)
        {
            return string.Empty;
        }
    }

    internal static async Task WriteJsonAsync(HttpContext context, int status, string json, IDictionary<string, string>? headers = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }
        }

        await context.Response.WriteAsync(json).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
