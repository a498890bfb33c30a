namespace KeepTrusts.PowerShell;

/// <summary>What Invoke-KtChat returns.</summary>
public sealed class KtChatResult
{
    public string Content { get; init; } = string.Empty;

    public string? Model { get; init; }

    /// <summary>The target that answered (its id from the policy config).</summary>
    public string? Target { get; init; }

    public string? FinishReason { get; init; }

    public KtChatUsage Usage { get; init; } = new();

    /// <summary>USD, from the target's pricing (in-process calls).</summary>
    public decimal Cost { get; init; }

    public KtPolicyDecision[] PolicyDecisions { get; init; } = [];

    /// <summary>The gateway's x-keeptrusts-policy summary (calls through -GatewayUrl).</summary>
    public string? PolicySummary { get; init; }

    public double LatencyMs { get; init; }

    public override string ToString() => Content;
}
