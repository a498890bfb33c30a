using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KeepTrusts.Testing;

/// <summary>
/// A local Kestrel stand-in (loopback, http) for Azure AI Content Safety Prompt Shields that checks what the service
/// checks — POST /contentsafety/text:shieldPrompt, api-version 2024-09-01, the Ocp-Apim-Subscription-Key header
/// (or an Entra bearer token), a JSON body {"userPrompt": string, "documents": [string]} within the documented limits
/// (10,000 prompt characters; five documents, 10,000 characters together) — and answers in its shape:
/// {"userPromptAnalysis":{"attackDetected":bool},"documentsAnalysis":[{"attackDetected":bool}, ...]}.
/// A text "attacks" when it contains <see cref="AttackMarker"/>. Tests switch it to answer 500 or slowly.
/// </summary>
public sealed class FakePromptShields : IAsyncDisposable
{
    public const string ApiKey = "fake-content-safety-key-0123456789";
    public const string EntraToken = "fake-content-safety-entra-token";
    public const string AttackMarker = "SHIELD-ATTACK";

    private readonly WebApplication _app;

    private FakePromptShields(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>http://127.0.0.1:port, what a config's prompt_shields.endpoint names.</summary>
    public string Endpoint { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Status to answer every request with instead of an analysis (500, 429, ...); null for normal answers.</summary>
    public int? FailWith { get; set; }

    /// <summary>Delay before answering (a slow service).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<FakePromptShields> StartAsync()
    {
        FakePromptShields? fake = null;
        var (app, url) = await LoopbackApp.StartAsync(context => fake!.HandleAsync(context)).ConfigureAwait(false);
        fake = new FakePromptShields(app, url);
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var path = context.Request.Path.Value ?? string.Empty;
        Requests.Enqueue(new RecordedRequest(context.Request.Method, path, context.Request.QueryString.Value ?? string.Empty, string.Empty, "shieldPrompt",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, DateTimeOffset.UtcNow));

        if (context.Request.Method != "POST" || path != "/contentsafety/text:shieldPrompt")
        {
            await ErrorAsync(context, 404, "NotFound", "Resource not found").ConfigureAwait(false);
            return;
        }

        if (context.Request.Query["api-version"] != "2024-09-01")
        {
            await ErrorAsync(context, 404, "InvalidApiVersion", "The api-version is not supported").ConfigureAwait(false);
            return;
        }

        var key = context.Request.Headers["Ocp-Apim-Subscription-Key"].ToString();
        var bearer = context.Request.Headers.Authorization.ToString();
        if (key != ApiKey && bearer != "Bearer " + EntraToken)
        {
            await ErrorAsync(context, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint.").ConfigureAwait(false);
            return;
        }

        if (!context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? true)
        {
            await ErrorAsync(context, 415, "UnsupportedMediaType", "Content-Type must be application/json").ConfigureAwait(false);
            return;
        }

        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (FailWith is { } status)
        {
            await ErrorAsync(context, status, "InternalServerError", "The service is unavailable").ConfigureAwait(false);
            return;
        }

        if (!TryRead(body, out var prompt, out var documents, out var problem))
        {
            await ErrorAsync(context, 400, "InvalidRequestBody", problem).ConfigureAwait(false);
            return;
        }

        var answer = new
        {
            userPromptAnalysis = new { attackDetected = prompt.Contains(AttackMarker, StringComparison.Ordinal) },
            documentsAnalysis = documents.Select(d => new { attackDetected = d.Contains(AttackMarker, StringComparison.Ordinal) }).ToArray(),
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(answer)).ConfigureAwait(false);
    }

    private static bool TryRead(string body, out string prompt, out List<string> documents, out string problem)
    {
        prompt = string.Empty;
        documents = [];
        problem = string.Empty;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("userPrompt", out var userPrompt) || userPrompt.ValueKind != JsonValueKind.String)
            {
                problem = "userPrompt must be a string";
                return false;
            }

            prompt = userPrompt.GetString()!;
            if (root.TryGetProperty("documents", out var items))
            {
                if (items.ValueKind != JsonValueKind.Array || items.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
                {
                    problem = "documents must be an array of strings";
                    return false;
                }

                documents = items.EnumerateArray().Select(i => i.GetString()!).ToList();
            }

            if (root.EnumerateObject().Any(p => p.Name is not ("userPrompt" or "documents")))
            {
                problem = "unknown field in the request body";
                return false;
            }

            if (prompt.Length > 10_000 || documents.Count > 5 || documents.Sum(d => d.Length) > 10_000)
            {
                problem = "input exceeds the limits: 10000 prompt characters, 5 documents of 10000 characters together";
                return false;
            }

            return true;
        }
        catch (JsonException)
        {
            problem = "body is not JSON";
            return false;
        }
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message } })).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
