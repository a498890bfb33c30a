using System.Management.Automation;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Chat;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Gateway;

namespace KeepTrusts.PowerShell.Commands;

/// <summary>The engine calls behind Invoke-KtChat, and the mapping of their results and failures.</summary>
internal static class ChatCalls
{
    public static async Task<KtChatResult> InProcessAsync(string configPath, ChatCall call, Action<string>? onText, CancellationToken token)
    {
        var config = PolicyConfigLoader.LoadValid(configPath);
        await using var composition = GatewayComposition.Create(config);
        var result = await ChatInvoker.InvokeAsync(config, composition.Chain, composition.Audit, ToRequest(call), onText, token).ConfigureAwait(false);
        return ToKt(result);
    }

    public static async Task<KtChatResult> ThroughGatewayAsync(Uri gatewayUrl, string? apiKey, ChatCall call, Action<string>? onText, CancellationToken token)
    {
        var result = await ChatInvoker.InvokeAsync(gatewayUrl, apiKey, ToRequest(call), onText, null, token).ConfigureAwait(false);
        return ToKt(result);
    }

    /// <summary>Error id, category, target, message and fix for a failed call; null for exceptions that are bugs.</summary>
    public static (string Id, ErrorCategory Category, object? Target, string Message, string Fix)? Describe(Exception ex) => ex switch
    {
        ChatInvocationException { IsPolicyBlock: true } blocked => ("PolicyBlocked", ErrorCategory.SecurityError, blocked.Policy,
            $"Blocked by policy '{blocked.Policy}': {blocked.Message}", "The request was not sent upstream. Rephrase it, or review the policy settings in the policy config."),
        ChatInvocationException failed => ($"ChatFailed.{failed.Code}", failed.Status is 401 or 403 ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidResult, failed.Code,
            $"The chat call failed (HTTP {failed.Status}, {failed.ErrorType}/{failed.Code}): {failed.Message}", "See the message; Get-KtGateway and the gateway log show the upstream's state."),
        HttpRequestException http => ("GatewayUnreachable", ErrorCategory.ConnectionError, null,
            $"The gateway could not be reached: {http.Message}", "Check -GatewayUrl and that the gateway runs (Get-KtGateway)."),
        AuditStartRefusedException audit => ("AuditLogUnavailable", ErrorCategory.ResourceBusy, null,
            $"The audit log cannot start: {audit.Message}", "Send the request through the running gateway with -GatewayUrl, or give this config its own policy.audit-logger.path."),
        PolicyConfigException invalid => ("PolicyConfigInvalid", ErrorCategory.InvalidData, invalid.Result.Path, invalid.Message, "Fix the errors listed (see Test-KtPolicyConfig)."),
        _ => null,
    };

    private static ChatInvocationRequest ToRequest(ChatCall call) => new()
    {
        Messages = call.Messages,
        SystemMessage = call.SystemMessage,
        Model = call.Model,
        Target = call.Target,
        Stream = call.Stream,
        Temperature = call.Temperature,
        MaxTokens = call.MaxTokens,
    };

    private static KtChatResult ToKt(ChatInvocationResult result) => new()
    {
        Content = result.Content,
        Model = result.Model,
        Target = result.Target,
        FinishReason = result.FinishReason,
        Usage = new KtChatUsage { PromptTokens = result.PromptTokens, CompletionTokens = result.CompletionTokens },
        Cost = result.Cost,
        PolicyDecisions = result.Decisions.Select(d => new KtPolicyDecision
        {
            Policy = d.Policy,
            Phase = d.Phase.ToString(),
            Action = d.Action.ToString(),
            Reason = d.Reason,
            Score = d.Score,
            Matches = d.Spans.Select(s => s.Kind).ToArray(),
        }).ToArray(),
        PolicySummary = result.PolicySummary,
        LatencyMs = Math.Round(result.LatencyMs, 2),
    };
}
