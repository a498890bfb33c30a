using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Between the request policies and the upstream call: puts the request record (what the model is about to be sent,
/// after the request policies) on disk, in the audit writer's group commit, before anything is forwarded. The outcome
/// record then follows right after the answer without the client waiting for its fsync (<see cref="OutcomeRecorder"/>).
/// So a crash can never lose the fact that a request was forwarded, and an answered request always has at least its
/// request record; the crash table is in docs/audit.md. A record that cannot be written stops the request here.
/// </summary>
internal sealed class RequestRecordStage(PolicyConfig config, IAuditSink? audit, ILogger logger, TimeProvider time)
{
    public async Task RunAsync(RequestOutcome outcome)
    {
        if (audit is null)
        {
            return;
        }

        var record = new AuditRecord
        {
            Time = time.GetUtcNow(),
            RequestId = outcome.Request.RequestId,
            Kind = AuditRecordKind.Request,
            ClientKeyId = outcome.Request.ClientKeyId,
            Method = outcome.Request.Method,
            Path = outcome.Request.Path,
            Model = outcome.Model,
            Stream = outcome.Stream,
            Decisions = outcome.Decisions?.ToArray() ?? [],
            PromptContent = Input.AuditText.Truncate(OutcomeRecorder.Content(config.Policy.AuditLogger.Content, outcome.PromptText), config.Gateway.Limits.MaxAuditContentChars),
        };
        try
        {
            outcome.RequestRecorded = await audit.WriteRequestAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            GatewayLog.AuditFailed(logger, outcome.Request.RequestId, ex.Message);
            throw;
        }
    }
}
