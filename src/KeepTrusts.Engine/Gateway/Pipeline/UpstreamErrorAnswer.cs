using System.Text.Json;
using KeepTrusts.Engine.Policies;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// An upstream error the client gets as it was (a 400 content filter, 401, 404, or the last 429/5xx after every
/// fallback): body, status and the rate-limit and region headers pass through; Azure's own content-filter block is
/// recorded beside our policies as <see cref="AzureContentFilter.PolicyName"/>.
/// </summary>
internal static class UpstreamErrorAnswer
{
    private static readonly string[] PassedHeaders = ["retry-after", "retry-after-ms", "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "apim-request-id", "x-ms-region"];

    public static async Task<GatewayResponse> PassThroughAsync(AttemptResult attempt, RequestOutcome outcome, OutcomeRecorder recorder, Func<RequestOutcome, Task> settle, Input.StrictJsonRules rules)
    {
        using var upstream = attempt.Response!;
        // Error bodies were buffered inside the attempt (under its timeout), so this read cannot stall.
        var original = Input.SentCredentials.Scrub(await Input.BufferedUpstreamContent.BytesOf(upstream.Content).ConfigureAwait(false),
            upstream.RequestMessage, attempt.Target!.Options.EffectiveApiKeyHeader);
        outcome.Status = (int)upstream.StatusCode;
        // In the shape clients parse (HTML or Azure's type-less JSON normalized); the original goes to the audit record.
        var (bytes, kept) = Input.UpstreamErrorBody.Normalize(original, outcome.Status, upstream.Content.Headers.ContentType?.ToString(), attempt.Target!.Id, rules);
        outcome.UpstreamErrorBody = ReferenceEquals(bytes, original) ? null : kept;
        outcome.ErrorCode = ErrorCodeOf(bytes);
        if (AzureContentFilter.FromErrorBody(bytes) is { } filter)
        {
            outcome.ErrorCode = "content_filter";
            outcome.ContentFilterResults = filter.Results;
            var decision = new PolicyDecision(AzureContentFilter.PolicyName, PolicyPhase.Request, PolicyAction.Block, filter.Reason, 1.0, []);
            outcome.AddDecisions([decision]);
            recorder.Decisions([decision]);
        }

        await settle(outcome).ConfigureAwait(false);
        var response = new GatewayResponse
        {
            Status = outcome.Status,
            Body = bytes,
            ContentType = "application/json",
            TargetId = attempt.Target!.Id,
            ErrorCode = outcome.ErrorCode,
        };
        foreach (var header in PassedHeaders)
        {
            if (upstream.Headers.TryGetValues(header, out var values))
            {
                response.Headers.Add(new(header, string.Join(",", values)));
            }
        }

        return response;
    }

    private static string? ErrorCodeOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
                   error.TryGetProperty("code", out var code) && code.ValueKind != JsonValueKind.Null
                ? code.ToString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
