using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Chat;

/// <summary>
/// Invoke-KtChat's engine: the same <see cref="ChatGateway"/> the kt server runs, in-process (policy chain, routing,
/// retries, audit), or a call to a running gateway's URL. Streamed text is handed to a callback as it arrives.
/// </summary>
public static class ChatInvoker
{
    /// <summary>Runs the chat in-process against a validated config.</summary>
    public static async Task<ChatInvocationResult> InvokeAsync(
        PolicyConfig config, PolicyChain chain, IAuditSink? audit, ChatInvocationRequest request, Action<string>? onText, CancellationToken cancellationToken)
    {
        var model = request.Model
            ?? (request.Target is { } id ? config.Providers.Targets.FirstOrDefault(t => t.Id == id)?.Model : null)
            ?? config.Providers.Targets.First().Model;
        await using var gateway = new ChatGateway(new ChatGatewayOptions { Config = config, Chain = chain, Audit = audit });
        var started = Stopwatch.GetTimestamp();
        var response = await gateway.HandleAsync(new GatewayRequest
        {
            Operation = UpstreamOperation.ChatCompletions,
            Body = BuildBody(request, model),
            TargetId = request.Target,
            Path = "Invoke-KtChat",
        }, cancellationToken).ConfigureAwait(false);

        if (response.StreamTo is null)
        {
            return FromBody(response.Status, response.Body.ToArray(), response, null, onText, started, request.Stream);
        }

        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            await using var output = pipe.Writer.AsStream();
            await response.StreamTo(output, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
        var parsed = await ReadStreamAsync(pipe.Reader.AsStream(), onText, cancellationToken).ConfigureAwait(false);
        await writing.ConfigureAwait(false);
        return parsed.ToResult(response.TargetId, response.Decisions, null, started, response.Cost);
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
            var parsed = await ReadStreamAsync(stream, onText, cancellationToken).ConfigureAwait(false);
            return parsed.ToResult(target, reported.Decisions, summary, started, reported.Pricing?.CostOf(parsed.PromptTokens, parsed.CompletionTokens) ?? 0);
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
            throw new ChatInvocationException(status, OpenAIError.Upstream, "invalid_response", $"The answer (HTTP {status}) is not JSON.");
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

        var (prompt, completion) = ChatGateway.Usage(json?["usage"]);
        return new ChatInvocationResult
        {
            Content = content,
            ToolCalls = ChatToolCalls.FromMessage(json?["choices"]?[0]?["message"]),
            Model = json?["model"]?.ToString(),
            Target = local?.TargetId ?? target,
            FinishReason = json?["choices"]?[0]?["finish_reason"]?.ToString(),
            PromptTokens = prompt,
            CompletionTokens = completion,
            Cost = local?.Cost ?? 0,
            Decisions = local?.Decisions ?? [],
            PolicySummary = summary,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
    }

    private static ChatInvocationException ToException(int status, JsonNode? error) => new(
        status,
        error?["type"]?.ToString() ?? "error",
        error?["code"]?.ToString() ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        error?["message"]?.ToString() ?? $"HTTP {status}",
        error?["type"]?.ToString() == OpenAIError.PolicyViolation ? error?["code"]?.ToString() : null);

    private static async Task<StreamedAnswer> ReadStreamAsync(Stream stream, Action<string>? onText, CancellationToken cancellationToken)
    {
        var answer = new StreamedAnswer();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
            {
                continue;
            }

            var chunk = JsonNode.Parse(line[6..]);
            if (chunk?["error"] is JsonObject error)
            {
                throw ToException(error["type"]?.ToString() == OpenAIError.PolicyViolation ? 400 : 502, error);
            }

            answer.Model ??= chunk?["model"]?.ToString() is { Length: > 0 } m ? m : null;
            if (chunk?["usage"] is JsonObject usage)
            {
                (answer.PromptTokens, answer.CompletionTokens) = ChatGateway.Usage(usage);
            }

            if (chunk?["choices"] is JsonArray { Count: > 0 } choices && choices[0] is JsonObject choice)
            {
                answer.ToolCalls.AddDelta(choice["delta"]?["tool_calls"]);
                if (choice["delta"]?["content"]?.ToString() is { Length: > 0 } text)
                {
                    answer.Content.Append(text);
                    onText?.Invoke(text);
                }

                if (choice["finish_reason"] is JsonValue finish && finish.GetValueKind() == JsonValueKind.String)
                {
                    answer.FinishReason = finish.ToString();
                }
            }
        }

        return answer;
    }

    private sealed class StreamedAnswer
    {
        public StringBuilder Content { get; } = new();

        public ChatToolCalls ToolCalls { get; } = new();

        public string? Model { get; set; }

        public string? FinishReason { get; set; }

        public long PromptTokens { get; set; }

        public long CompletionTokens { get; set; }

        public ChatInvocationResult ToResult(string? target, IReadOnlyList<PolicyDecision> decisions, string? summary, long started, decimal cost) => new()
        {
            Content = Content.ToString(),
            ToolCalls = ToolCalls.ToList(),
            Model = Model,
            Target = target,
            FinishReason = FinishReason,
            PromptTokens = PromptTokens,
            CompletionTokens = CompletionTokens,
            Cost = cost,
            Decisions = decisions,
            PolicySummary = summary,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
    }
}
