namespace KeepTrusts.PowerShell;

/// <summary>What Invoke-KtChat returns: the answer, and the whole conversation so piping it back continues it.</summary>
public sealed class KtChatResult
{
    public string Content { get; init; } = string.Empty;

    /// <summary>Function calls the model asked for (FinishReason tool_calls); answer them with -ToolOutput.</summary>
    public KtToolCall[] ToolCalls { get; init; } = [];

    /// <summary>The conversation including this answer; Invoke-KtChat -History (or the pipeline) continues from it.</summary>
    public KtChatMessage[] Messages { get; init; } = [];

    /// <summary>The model the upstream says answered (for example gpt-4o-2024-08-06).</summary>
    public string? Model { get; init; }

    /// <summary>The model name the call was routed by (-Model); a piped result continues with it.</summary>
    public string? RoutingModel { get; init; }

    /// <summary>The target that answered (its id from the policy config).</summary>
    public string? Target { get; init; }

    public string? FinishReason { get; init; }

    public KtChatUsage Usage { get; init; } = new();

    /// <summary>USD, from the target's pricing (in-process, or reported by the gateway).</summary>
    public decimal Cost { get; init; }

    public KtPolicyDecision[] PolicyDecisions { get; init; } = [];

    /// <summary>The gateway's x-keeptrusts-policy summary (calls through -GatewayUrl).</summary>
    public string? PolicySummary { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>
    /// The gateway the call went through (null in-process). Piping the result into Invoke-KtChat binds it to -GatewayUrl,
    /// so a conversation continues through the same gateway; the client key is never kept (give -ApiKey again, or use
    /// $env:KT_API_KEY).
    /// </summary>
    public Uri? GatewayUrl { get; init; }

    /// <summary>The policy config of an in-process call (null through a gateway); piping the result binds it to -PolicyConfig.</summary>
    public string? PolicyConfig { get; init; }

    public override string ToString() => Content;
}
