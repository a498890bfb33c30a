using System.Security.Cryptography;
using System.Text;
using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using KeepTrusts.Engine.Policies;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway;

/// <summary>The one place a finished request becomes metrics and an audit record, from its <see cref="RequestOutcome"/>.</summary>
internal sealed class OutcomeRecorder(PolicyConfig config, IAuditSink? audit, IGatewayMetrics metrics, ILogger logger, TimeProvider time)
{
    public void Decisions(IEnumerable<PolicyDecision> decisions)
    {
        if (decisions is IReadOnlyList<PolicyDecision> list)
        {
            // By index: a foreach over the interface boxed an enumerator on every request.
            for (var i = 0; i < list.Count; i++)
            {
                Count(list[i]);
            }

            return;
        }

        foreach (var decision in decisions)
        {
            Count(decision);
        }
    }

    private void Count(PolicyDecision decision) =>
        metrics.PolicyDecision(decision.Policy, LowerCaseNames<PolicyPhase>.Of(decision.Phase), LowerCaseNames<PolicyAction>.Of(decision.Action));

    public async Task RecordAsync(RequestOutcome outcome, string operation)
    {
        if (outcome.Recorded)
        {
            return;
        }

        outcome.Recorded = true;
        var duration = time.GetElapsedTime(outcome.Started);
        var status = outcome.ClientClosed && !outcome.Stream ? 0 : outcome.Status;
        if (outcome.Span is not null)
        {
            GatewayTelemetry.EndRequest(outcome, config.Providers.Targets.FirstOrDefault(t => t.Id == outcome.TargetId), status);
        }

        metrics.RequestCompleted(operation, outcome.Model ?? string.Empty, outcome.TargetId ?? string.Empty, status, duration, outcome.Request.ClientKeyId ?? string.Empty);
        if (outcome.PromptTokens + outcome.CompletionTokens > 0 && outcome.TargetId is { } target)
        {
            metrics.Usage(target, outcome.Model ?? string.Empty, outcome.PromptTokens, outcome.CompletionTokens, outcome.Cost, outcome.Request.ClientKeyId ?? string.Empty);
        }

        if (audit is null || (outcome.Decisions is null && outcome.TargetId is null && !outcome.KeyRefused && !config.Policy.AuditLogger.LogAllAccess))
        {
            // Rejected before any policy or upstream saw it (bad JSON, unknown model): recorded only with log_all_access.
            // A virtual key refused by its rules is an access decision and always recorded.
            return;
        }

        var mode = config.Policy.AuditLogger.Content;
        // Bounded per record (gateway.limits.max_audit_content_chars): a huge prompt or answer cannot make a huge record.
        var maxContent = config.Gateway.Limits.MaxAuditContentChars;
        var split = outcome.RequestRecorded;
        var record = new AuditRecord
        {
            Time = time.GetUtcNow(),
            RequestId = outcome.Request.RequestId,
            Kind = split ? AuditRecordKind.Outcome : AuditRecordKind.Complete,
            ClientKeyId = outcome.Request.ClientKeyId,
            Method = outcome.Request.Method,
            Path = Input.AuditText.Truncate(outcome.Request.Path, AuditRecord.MaxPathChars)!,
            Operation = outcome.Request.Operation is Upstreams.UpstreamOperation.ModelsList or Upstreams.UpstreamOperation.NotRouted or Upstreams.UpstreamOperation.RejectedByServer ? operation : null,
            RemoteAddress = outcome.Request.RemoteAddress,
            Reason = outcome.Request.RejectionReason,
            Model = outcome.Model,
            Target = outcome.TargetId,
            Stream = outcome.Stream,
            Status = status,
            ErrorCode = outcome.ErrorCode,
            LatencyMs = Math.Round(duration.TotalMilliseconds, 3),
            PromptTokens = outcome.PromptTokens,
            CompletionTokens = outcome.CompletionTokens,
            Cost = outcome.Cost,
            Attempts = outcome.Attempts,
            Decisions = outcome.Decisions?.ToArray() ?? [],
            ContentFilterResults = outcome.ContentFilterResults,
            // Blocked requests keep no content: the text was what a policy refused.
            // The request record already holds what was sent; blocked requests keep no content.
            PromptContent = split || (status == 400 && outcome.ErrorCode is not null) ? null : Input.AuditText.Truncate(Content(mode, outcome.PromptText), maxContent),
            CompletionContent = Input.AuditText.Truncate(Content(mode, outcome.CompletionText), maxContent),
            UpstreamError = Input.AuditText.Truncate(outcome.UpstreamErrorBody, maxContent),
        };
        if (split)
        {
            // Group-committed after the answer, off the client's path: the request record is already on disk, so a
            // crash before this one lands leaves an interrupted request, never an answered request without a trace.
            // Detached: no task and no continuation per record (each was a thread-pool work item after every fsync).
            audit.WriteDetached(record, _outcomeFailed ??= OutcomeFailed);
            return;
        }

        try
        {
            await audit.WriteAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            GatewayLog.AuditFailed(logger, outcome.Request.RequestId, ex.Message);
            throw;
        }
    }

    private Action<AuditRecord, Exception>? _outcomeFailed;

    // The answer is out; the request record stays and verify reports the request as interrupted.
    private void OutcomeFailed(AuditRecord record, Exception ex) => GatewayLog.AuditFailed(logger, record.RequestId, ex.Message);

    internal static string? Content(AuditContentMode mode, string? text) => mode switch
    {
        _ when string.IsNullOrEmpty(text) => null,
        AuditContentMode.Redacted => text,
        AuditContentMode.Hashed => "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text!))).ToLowerInvariant(),
        _ => null,
    };
}
