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
        // Without -Model the call was routed by the answering target's configured model: keep that name, so the result
        // continues through a gateway too (the upstream's own model name, e.g. gpt-4o-2024-08-06, would not route).
        var routedBy = call.Model ?? config.Providers.Targets.FirstOrDefault(t => t.Id == result.Target)?.Model;
        return ToKt(result, call with { Model = routedBy }, null, configPath);
    }

    public static async Task<KtChatResult> ThroughGatewayAsync(Uri gatewayUrl, string? apiKey, ChatCall call, Action<string>? onText, CancellationToken token)
    {
        var result = await ChatInvoker.InvokeAsync(gatewayUrl, apiKey, ToRequest(call), onText, null, token).ConfigureAwait(false);
        return ToKt(result, call, gatewayUrl, null);
    }

    /// <summary>
    /// Error id, category, target, message (one sentence) and fix for a failed call; null for exceptions that are bugs.
    /// In-process nothing went over HTTP, so the message never names a status; through a gateway it does.
    /// </summary>
    public static (string Id, ErrorCategory Category, object? Target, string Message, string Fix)? Describe(Exception ex, bool inProcess) => ex switch
    {
        // The engine's message already names the policy ("Request blocked by policy 'x': reason.").
        ChatInvocationException { IsPolicyBlock: true } blocked => ("PolicyBlocked", ErrorCategory.SecurityError, blocked.Policy,
            blocked.Message, "The request was not sent upstream. Rephrase it, or review the policy settings in the policy config."),
        ChatInvocationException { Code: "model_not_found" } missing => ("KtModelNotFound", ErrorCategory.ObjectNotFound, missing.Code,
            missing.Message, "Pass one of the configured models to -Model (Tab completes them)."),
        // The id stays ChatFailed.target_not_found (scripts catch on it); the fix is about -Target, not the gateway's log.
        ChatInvocationException { Code: "target_not_found" } target => ("ChatFailed.target_not_found", ErrorCategory.ObjectNotFound, target.Code,
            target.Message, "Pass one of the configured targets to -Target (Tab completes them), or leave -Target out to route by model."),
        ChatInvocationException { Code: "upstream_credential_missing" } credential => ("KtCredentialMissing", ErrorCategory.AuthenticationError, credential.Code,
            inProcess ? credential.Message : $"The gateway has no credential for its upstream: {credential.Message}",
            inProcess ? "Set the environment variable the target's secret_key_ref names (or configure azure_auth), then call again."
                : "Set the credential in the gateway's environment and restart it."),
        // The gateway's own client authentication (not the upstream's): the fix is the key this call sends.
        ChatInvocationException { Status: 401, Code: "invalid_api_key" } unauthorized when !inProcess => ($"ChatFailed.{unauthorized.Code}", ErrorCategory.AuthenticationError, unauthorized.Code,
            $"The gateway answered HTTP 401 ({unauthorized.Code}): {unauthorized.Message}",
            "Pass the gateway's client key with -ApiKey (or set $env:KT_API_KEY): a key of its gateway.client_keys, or a virtual key from New-KtGatewayKey."),
        ChatInvocationException failed => ($"ChatFailed.{failed.Code}", failed.Status is 401 or 403 ? ErrorCategory.AuthenticationError : ErrorCategory.InvalidResult, failed.Code,
            inProcess ? failed.Message : $"The gateway answered HTTP {failed.Status} ({failed.Code}): {failed.Message}",
            "Run with -Verbose; Get-KtGateway and the gateway log show the upstream's state."),
        HttpRequestException http => ("GatewayUnreachable", ErrorCategory.ConnectionError, null,
            $"The gateway could not be reached: {http.Message}", "Check -GatewayUrl and that the gateway runs (Get-KtGateway)."),
        AuditStartRefusedException audit => ("AuditLogUnavailable", ErrorCategory.ResourceBusy, null,
            $"The audit log cannot start: {audit.Message}", "Send the request through the running gateway with -GatewayUrl, or give this config its own policy.audit-logger.path."),
        PolicyConfigException invalid => ("PolicyConfigInvalid", ErrorCategory.InvalidData, invalid.Result.Path, invalid.Message, "Fix the errors listed (see Test-KtPolicyConfig)."),
        ChatRequestInvalidException invalid => ("KtInvalidArgument", ErrorCategory.InvalidArgument, null, invalid.Message, "See Get-Help Invoke-KtChat -Examples."),
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
        History = call.History.Select(m => new ChatMessage(m.Role, m.Content)
        {
            ToolCallId = m.ToolCallId,
            ToolCalls = m.ToolCalls.Select(c => new ChatToolCall(c.Id, c.Name, c.Arguments)).ToList(),
        }).ToList(),
        ToolsJson = call.ToolsJson,
        ResponseFormat = call.ResponseFormat,
        JsonSchemaJson = call.JsonSchemaJson,
    };

    /// <summary>The result, with where the call went so a piped result continues there.</summary>
    private static KtChatResult ToKt(ChatInvocationResult result, ChatCall call, Uri? gatewayUrl, string? configPath)
    {
        var toolCalls = result.ToolCalls.Select(c => new KtToolCall { Id = c.Id, Name = c.Name, Arguments = c.Arguments }).ToArray();
        // The conversation as it was sent (system, history, tool outputs, the new user messages) plus this answer.
        var messages = new List<KtChatMessage>();
        if (!string.IsNullOrEmpty(call.SystemMessage))
        {
            messages.Add(new KtChatMessage { Role = "system", Content = call.SystemMessage });
        }

        messages.AddRange(call.History.Where(m => m.Role != "system" || string.IsNullOrEmpty(call.SystemMessage)));
        messages.AddRange(call.Messages.Select(m => new KtChatMessage { Role = "user", Content = m }));
        messages.Add(new KtChatMessage { Role = "assistant", Content = result.Content, ToolCalls = toolCalls });
        return ToKt(result, toolCalls, messages.ToArray(), call.Model, gatewayUrl, configPath);
    }

    private static KtChatResult ToKt(ChatInvocationResult result, KtToolCall[] toolCalls, KtChatMessage[] messages, string? routingModel, Uri? gatewayUrl, string? configPath) => new()
    {
        GatewayUrl = gatewayUrl,
        PolicyConfig = configPath,
        RoutingModel = routingModel,
        Content = result.Content,
        ToolCalls = toolCalls,
        Messages = messages,
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
