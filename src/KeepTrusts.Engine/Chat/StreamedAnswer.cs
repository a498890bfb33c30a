using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using KeepTrusts.Engine.Gateway;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Chat;

/// <summary>A streamed answer put together from its <see cref="ChatEvent"/>s; an error or a policy stop becomes the exception Invoke-KtChat reports.</summary>
internal sealed class StreamedAnswer
{
    private readonly StringBuilder _content = new();
    private readonly ChatToolCalls _toolCalls = new();
    private string? _model;
    private string? _finishReason;
    private long _promptTokens;
    private long _completionTokens;

    public void Add(ChatEvent item, Action<string>? onText)
    {
        if (item.Error is { } error)
        {
            throw new ChatInvocationException(error.Status is 0 ? 502 : error.Status, error.Type, error.Code, error.Message);
        }

        if (item.BlockedBy is { } block)
        {
            throw new ChatInvocationException(400, OpenAIError.PolicyViolation, block.Policy, $"Response blocked by policy '{block.Policy}': {block.Reason}.", block.Policy);
        }

        _model ??= item.Model;
        _finishReason = item.FinishReason ?? _finishReason;
        _promptTokens = item.PromptTokens ?? _promptTokens;
        _completionTokens = item.CompletionTokens ?? _completionTokens;
        // Tool-call pieces are rare and not in the typed event: read them from the chunk only when it has some.
        if (item.Data.Span.IndexOf("\"tool_calls\""u8) >= 0)
        {
            _toolCalls.AddDelta(JsonNode.Parse(item.Data.Span)?["choices"]?[0]?["delta"]?["tool_calls"]);
        }

        if (item.Text is { Length: > 0 } text)
        {
            _content.Append(text);
            onText?.Invoke(text);
        }
    }

    public (long Prompt, long Completion) Tokens => (_promptTokens, _completionTokens);

    public ChatInvocationResult ToResult(string? target, IReadOnlyList<PolicyDecision> decisions, string? summary, long started, decimal cost) => new()
    {
        Content = _content.ToString(),
        ToolCalls = _toolCalls.ToList(),
        Model = _model,
        Target = target,
        FinishReason = _finishReason,
        PromptTokens = _promptTokens,
        CompletionTokens = _completionTokens,
        Cost = cost,
        Decisions = decisions,
        PolicySummary = summary,
        LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
    };
}
