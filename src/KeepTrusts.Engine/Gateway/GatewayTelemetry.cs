using System.Diagnostics;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// The gateway's spans, on the BCL <see cref="ActivitySource"/> (no OpenTelemetry dependency in the engine): one per
/// request named by the GenAI semantic conventions ("chat gpt-4o", gen_ai.* attributes), a child per policy evaluation
/// and per upstream attempt. Nothing is created unless a listener (the kt host's OpenTelemetry tracer) is attached:
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null then, and every helper here accepts null.
/// </summary>
public static class GatewayTelemetry
{
    public const string SourceName = "KeepTrusts.Gateway";

    public static readonly ActivitySource Source = new(SourceName, typeof(GatewayTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The request span, a child of the caller's context (ASP.NET Core's server span, which took the incoming traceparent).</summary>
    internal static Activity? StartRequest(GatewayRequest request)
    {
        var operation = OperationName(request.Operation);
        var span = Source.StartActivity(operation, ActivityKind.Internal);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("gen_ai.operation.name", operation);
            span.SetTag("kt.request_id", request.RequestId);
            span.SetTag("kt.inbound_dialect", request.Dialect == InboundDialect.AzureOpenAI ? "azure-openai" : "openai");
        }

        return span;
    }

    /// <summary>Names the span "{operation} {model}" and adds what the request ended with; then ends it.</summary>
    internal static void EndRequest(RequestOutcome outcome, TargetOptions? target, int status)
    {
        if (outcome.Span is not { } span)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            var operation = OperationName(outcome.Request.Operation);
            if (outcome.Model is { Length: > 0 } model)
            {
                span.DisplayName = $"{operation} {model}";
                span.SetTag("gen_ai.request.model", model);
            }

            if (outcome.ResponseModel is { Length: > 0 } responseModel)
            {
                span.SetTag("gen_ai.response.model", responseModel);
            }

            if (target is not null)
            {
                var provider = ProviderName(target.Provider);
                span.SetTag("gen_ai.provider.name", provider);
                span.SetTag("gen_ai.system", provider);
                span.SetTag("kt.target", target.Id);
            }

            if (outcome.PromptTokens + outcome.CompletionTokens > 0)
            {
                span.SetTag("gen_ai.usage.input_tokens", outcome.PromptTokens);
                span.SetTag("gen_ai.usage.output_tokens", outcome.CompletionTokens);
            }

            span.SetTag("kt.stream", outcome.Stream);
            span.SetTag("kt.attempts", outcome.Attempts);
            span.SetTag("http.response.status_code", status);
            if (outcome.Request.ClientKeyId is { } key)
            {
                span.SetTag("kt.client_key", key);
            }

            if (outcome.ErrorCode is { } code)
            {
                span.SetTag("error.type", code);
                span.SetStatus(ActivityStatusCode.Error, code);
            }
        }

        span.Stop();
    }

    /// <summary>A span around one policy's evaluation (request or complete response).</summary>
    internal static Activity? StartPolicy(IPolicy policy)
    {
        var span = Source.StartActivity("policy " + policy.Name, ActivityKind.Internal);
        span?.SetTag("kt.policy", policy.Name);
        return span;
    }

    internal static void EndPolicy(Activity? span, PolicyDecision decision)
    {
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            span.SetTag("kt.policy.phase", decision.Phase == PolicyPhase.Request ? "request" : "response");
            span.SetTag("kt.policy.action", LowerCaseNames<PolicyAction>.Of(decision.Action));
            span.SetTag("kt.policy.score", decision.Score);
        }

        span.Stop();
    }

    /// <summary>A client span around one HTTP attempt to a target; current while the request is sent, so its context is the upstream's traceparent.</summary>
    internal static Activity? StartAttempt(TargetState target, Uri url, int attempt)
    {
        var span = Source.StartActivity("upstream " + target.Id, ActivityKind.Client);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("kt.target", target.Id);
            span.SetTag("kt.retry", attempt - 1);
            span.SetTag("gen_ai.provider.name", ProviderName(target.Options.Provider));
            span.SetTag("server.address", url.Host);
            span.SetTag("server.port", url.Port);
            span.SetTag("http.request.method", "POST");
        }

        return span;
    }

    /// <summary>Ends an attempt span with the HTTP status (0: no answer, with <paramref name="error"/> saying why).</summary>
    internal static void EndAttempt(Activity? span, int status, string? error)
    {
        if (span is null)
        {
            return;
        }

        if (status > 0)
        {
            span.SetTag("http.response.status_code", status);
        }

        if (error is not null || status >= 500 || status == 429)
        {
            span.SetTag("error.type", error ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            span.SetStatus(ActivityStatusCode.Error, error);
        }

        span.Stop();
    }

    internal static string? ResponseModelOf(object? answer) => answer switch
    {
        Wire.ChatCompletion chat => chat.Model,
        Wire.ResponsesResponse responses => responses.Model,
        _ => null,
    };

    private static string OperationName(UpstreamOperation operation) => operation switch
    {
        UpstreamOperation.Embeddings => "embeddings",
        UpstreamOperation.ModelsList => "models",
        UpstreamOperation.NotRouted => "not_routed",
        UpstreamOperation.RejectedByServer => "rejected_by_server",
        // The Responses API generates a chat answer: GenAI's "chat" operation, like chat completions.
        _ => "chat",
    };

    private static string ProviderName(ProviderKind provider) => provider switch
    {
        ProviderKind.AzureOpenAI => "azure.ai.openai",
        ProviderKind.OpenAI => "openai",
        _ => "kt.echo",
    };
}
