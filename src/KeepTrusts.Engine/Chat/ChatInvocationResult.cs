using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Chat;

/// <summary>The outcome of one policy-checked chat call.</summary>
public sealed class ChatInvocationResult
{
    public string Content { get; init; } = string.Empty;

    /// <summary>Function calls the model asked for (finish reason tool_calls).</summary>
    public IReadOnlyList<ChatToolCall> ToolCalls { get; init; } = [];

    public string? Model { get; init; }

    public string? Target { get; init; }

    public string? FinishReason { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public decimal Cost { get; init; }

    public IReadOnlyList<PolicyDecision> Decisions { get; init; } = [];

    /// <summary>The x-keeptrusts-policy summary when the call went through a gateway URL.</summary>
    public string? PolicySummary { get; init; }

    public double LatencyMs { get; init; }
}
