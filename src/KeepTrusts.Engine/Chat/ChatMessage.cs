namespace KeepTrusts.Engine.Chat;

/// <summary>One message of a conversation: system, user, assistant (possibly with tool calls) or tool (a tool's output).</summary>
public sealed record ChatMessage(string Role, string? Content)
{
    /// <summary>The calls an assistant message asked for.</summary>
    public IReadOnlyList<ChatToolCall> ToolCalls { get; init; } = [];

    /// <summary>For a tool message: the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }
}
