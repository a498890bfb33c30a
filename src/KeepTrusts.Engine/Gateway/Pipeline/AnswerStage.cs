using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.Upstreams;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// The last stage of every request: settles its outcome (cost, token budget, a virtual key's spend, then the one
/// record) and writes the answer's headers; our own failures become a body in the client's dialect here.
/// </summary>
internal sealed class AnswerStage(TargetRouter router, VirtualKeyStage keys, OutcomeRecorder recorder, ILogger logger)
{
    /// <summary>Our own answer instead of the upstream's, in the client's dialect; recorded like every other outcome.</summary>
    public async Task<GatewayResponse> FailAsync(RequestOutcome outcome, GatewayError error)
    {
        outcome.ClientClosed = error.Status == 0;
        outcome.Status = error.Status;
        outcome.ErrorCode = error.Code;
        if (error.Block is { } block && block.Phase == PolicyPhase.Response)
        {
            outcome.CompletionText = null;
        }

        await SettleAsync(outcome).ConfigureAwait(false);
        var response = new GatewayResponse
        {
            Status = error.Status,
            ClientClosed = outcome.ClientClosed,
            Body = GatewayErrors.Body(outcome.Request.Dialect, error),
            ErrorCode = error.Code,
            TargetId = outcome.TargetId,
        };
        if (error.RetryAfter is { } wait)
        {
            response.Headers.Add(new("retry-after", Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        GatewayLog.RequestRejected(logger, outcome.Request.RequestId, error.Status, error.Code);
        return WithHeaders(response, outcome, withTarget: false);
    }

    /// <summary>Cost and the target's token budget from the real usage, a virtual key's spend, then the one record of the request.</summary>
    public async Task SettleAsync(RequestOutcome outcome)
    {
        if (outcome.TargetId is { } id && router.Find(id) is { } target)
        {
            outcome.Cost = target.Options.Pricing?.CostOf(outcome.PromptTokens, outcome.CompletionTokens) ?? 0m;
            if (outcome.PromptTokens + outcome.CompletionTokens > 0)
            {
                target.RateLimiter?.Correct(outcome.EstimatedTokens, outcome.PromptTokens + outcome.CompletionTokens);
            }
        }

        await keys.RecordSpendAsync(outcome).ConfigureAwait(false);
        await recorder.RecordAsync(outcome, OperationName(outcome.Request.Operation)).ConfigureAwait(false);
    }

    /// <summary>The target, the policies' summary, usage and cost, as the host writes them on the answer.</summary>
    public static GatewayResponse WithHeaders(GatewayResponse response, RequestOutcome outcome, bool withTarget)
    {
        if (outcome.TargetId is { } target && withTarget)
        {
            response.Headers.Add(new("x-keeptrusts-target", target));
        }

        if (outcome.Decisions is { Count: > 0 } decisions)
        {
            response.Decisions.AddRange(decisions);
            response.Headers.Add(new("x-keeptrusts-policy", PolicySummary.Of(decisions)));
        }

        response.PromptTokens = outcome.PromptTokens;
        response.CompletionTokens = outcome.CompletionTokens;
        response.Cost = outcome.Cost;
        return response;
    }

    /// <summary>The <c>operation</c> label of kt_requests_total (and the audit record's operation for the last three).</summary>
    internal static string OperationName(UpstreamOperation operation) => operation switch
    {
        UpstreamOperation.ChatCompletions => "chat",
        UpstreamOperation.Embeddings => "embeddings",
        UpstreamOperation.ModelsList => "models",
        UpstreamOperation.NotRouted => "not_routed",
        UpstreamOperation.RejectedByServer => "rejected_by_server",
        _ => "responses",
    };
}
