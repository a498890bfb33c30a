using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Chat;

/// <summary>
/// Invoke-KtChat's engine: the same <see cref="GatewayPipeline"/> the kt server runs, in-process (policy chain, routing,
/// retries, audit) with the answer's <see cref="ChatEvent"/>s read directly, or a call to a running gateway's URL whose
/// Server-Sent Events are read with System.Net.ServerSentEvents. Streamed text is handed to a callback as it arrives.
/// </summary>
public static class ChatInvoker
{
    /// <summary>Runs the chat in-process against a validated config, with a chain and audit sink the caller owns.</summary>
    public static async Task<ChatInvocationResult> InvokeAsync(
        PolicyConfig config, PolicyChain chain, IAuditSink? audit, ChatInvocationRequest request, Action<string>? onText, CancellationToken cancellationToken)
    {
        await using var composition = GatewayComposition.Borrowing(chain, audit);
        return await InvokeAsync(config, composition, request, onText, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the chat in-process through <paramref name="composition"/>'s chain, audit sink and upstream client;
    /// upstream keys from <paramref name="credentials"/> (default: the process environment).
    /// </summary>
    public static async Task<ChatInvocationResult> InvokeAsync(
        PolicyConfig config, GatewayComposition composition, ChatInvocationRequest request, Action<string>? onText, CancellationToken cancellationToken,
        UpstreamCredentials? credentials = null)
    {
        var model = request.Model
            ?? (request.Target is { } id ? config.Providers.Targets.FirstOrDefault(t => t.Id == id)?.Model : null)
            ?? config.Providers.Targets.First().Model;
        var pipeline = new GatewayPipeline(config, composition, credentials: credentials);
        var started = Stopwatch.GetTimestamp();
        var response = await pipeline.HandleAsync(new GatewayRequest
        {
            Operation = UpstreamOperation.ChatCompletions,
            Body = ChatRequestBody.Build(request, model),
            TargetId = request.Target,
            Path = "Invoke-KtChat",
        }, cancellationToken).ConfigureAwait(false);

        if (response.Events is null)
        {
            return FromBody(response.Status, response.Body.ToArray(), response, null, onText, started, request.Stream);
        }

        var answer = new StreamedAnswer();
        await foreach (var item in response.Events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            answer.Add(item, onText);
        }

        var outcome = response.Outcome!;
        return answer.ToResult(response.TargetId, outcome.Decisions ?? [], null, started, outcome.Cost);
    }

    /// <summary>Calls a running KeepTrusts gateway (or any OpenAI-compatible endpoint) at <paramref name="gatewayUrl"/>.</summary>
    public static async Task<ChatInvocationResult> InvokeAsync(
        Uri gatewayUrl, string? apiKey, ChatInvocationRequest request, Action<string>? onText, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        if (request.Model is null)
        {
            throw new ChatInvocationException(400, OpenAIError.InvalidRequest, "invalid_model", "-Model is required with -GatewayUrl: the gateway routes by model name.");
        }

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        var url = new Uri(gatewayUrl.ToString().TrimEnd('/') + (gatewayUrl.AbsolutePath.TrimEnd('/').EndsWith("/v1", StringComparison.Ordinal) ? string.Empty : "/v1") + "/chat/completions");
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(BuildBody(request, request.Model)) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (!string.IsNullOrEmpty(apiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var target = response.Headers.TryGetValues("x-keeptrusts-target", out var targets) ? targets.First() : null;
        var summary = response.Headers.TryGetValues("x-keeptrusts-policy", out var policies) ? string.Join(";", policies) : null;
        var reported = KtResultHeaders.Read(name => response.Headers.TryGetValues(name, out var values) ? values.First() : null);
        if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var answer = new StreamedAnswer();
            await foreach (var item in SseParser.Create(stream, static (_, data) => data.ToArray()).EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                answer.Add(RemoteEvent.From(item.Data), onText);
            }

            var (prompt, completion) = answer.Tokens;
            return answer.ToResult(target, reported.Decisions, summary, started, reported.Pricing?.CostOf(prompt, completion) ?? 0);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var result = FromBody((int)response.StatusCode, bytes, null, summary, onText, started, request.Stream, target);
        return new ChatInvocationResult
        {
            Content = result.Content,
            ToolCalls = result.ToolCalls,
            Model = result.Model,
            Target = result.Target,
            FinishReason = result.FinishReason,
            PromptTokens = result.PromptTokens,
            CompletionTokens = result.CompletionTokens,
            Cost = reported.Cost ?? 0,
            Decisions = reported.Decisions,
            PolicySummary = result.PolicySummary,
            LatencyMs = result.LatencyMs,
        };
    }

    internal static byte[] BuildBody(ChatInvocationRequest request, string model) => ChatRequestBody.Build(request, model);

    private static ChatInvocationResult FromBody(
        int status, byte[] bytes, GatewayResponse? local, string? summary, Action<string>? onText, long started, bool stream, string? target = null)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            throw new ChatInvocationException(status, OpenAIError.Upstream, "invalid_response", string.Create(CultureInfo.InvariantCulture, $"The answer (HTTP {status}) is not JSON."));
        }

        if (status >= 400 || json?["error"] is JsonObject)
        {
            throw ToException(status, json?["error"]);
        }

        var content = json?["choices"]?[0]?["message"]?["content"]?.ToString() ?? string.Empty;
        if (stream)
        {
            onText?.Invoke(content);
        }

        var usage = json?["usage"];
        return new ChatInvocationResult
        {
            Content = content,
            ToolCalls = ChatToolCalls.FromMessage(json?["choices"]?[0]?["message"]),
            Model = json?["model"]?.ToString(),
            Target = local?.TargetId ?? target,
            FinishReason = json?["choices"]?[0]?["finish_reason"]?.ToString(),
            PromptTokens = usage?["prompt_tokens"]?.GetValue<long>() ?? 0,
            CompletionTokens = usage?["completion_tokens"]?.GetValue<long>() ?? 0,
            Cost = local?.Cost ?? 0,
            Decisions = local?.Decisions ?? [],
            PolicySummary = summary,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
    }

    internal static ChatInvocationException ToException(int status, JsonNode? error) => new(
        status,
        error?["type"]?.ToString() ?? "error",
        error?["code"]?.ToString() ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        error?["message"]?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"HTTP {status}"),
        error?["type"]?.ToString() == OpenAIError.PolicyViolation ? error?["code"]?.ToString() : null);
}
