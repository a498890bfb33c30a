namespace KeepTrusts.PowerShell;

/// <summary>One message of an Invoke-KtChat conversation (KtChatResult.Messages).</summary>
public sealed class KtChatMessage
{
    /// <summary>system, user, assistant or tool.</summary>
    public string Role { get; init; } = string.Empty;

    public string? Content { get; init; }

    /// <summary>The function calls an assistant message asked for.</summary>
    public KtToolCall[] ToolCalls { get; init; } = [];

    /// <summary>For a tool message: the id of the call it answers.</summary>
    public string? ToolCallId { get; init; }

    public override string ToString() => $"{Role}: {Content}";
}
