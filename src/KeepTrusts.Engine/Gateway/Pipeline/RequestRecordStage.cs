using KeepTrusts.Engine.Audit;
using KeepTrusts.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Between the request policies and the upstream call: writes the request record (what the model is about to be sent,
/// after the request policies) into the audit log before anything is forwarded — in the kernel, so a killed process
/// cannot lose it — and lets its fsync (the writer's group commit) run while the upstream call is in flight;
/// <see cref="DurableAsync"/> then holds the answer until that fsync is done. The outcome record follows right after the
/// answer without the client waiting for its fsync (<see cref="OutcomeRecorder"/>). So a crash can never lose the fact
/// that a request was forwarded (a power loss only within the fsync that overlaps the call, before any answer), and an
/// answered request always has at least its request record on disk; the crash table is in docs/policies.md. A record
/// that cannot be written stops the request here.
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
            Path = Input.AuditText.Truncate(outcome.Request.Path, AuditRecord.MaxPathChars)!,
            Model = outcome.Model,
            Stream = outcome.Stream,
            Decisions = outcome.Decisions?.ToArray() ?? [],
            PromptContent = Input.AuditText.Truncate(OutcomeRecorder.Content(config.Policy.AuditLogger.Content, outcome.PromptText), config.Gateway.Limits.MaxAuditContentChars),
        };
        try
        {
            var write = await audit.WriteRequestAsync(record, CancellationToken.None).ConfigureAwait(false);
            outcome.RequestRecorded = write.Kept;
            outcome.RequestDurable = write.Durable;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            GatewayLog.AuditFailed(logger, outcome.Request.RequestId, ex.Message);
            throw;
        }
    }

    /// <summary>Before any answer leaves: the request record's fsync, which ran beside the upstream call, is done.</summary>
    public async Task DurableAsync(RequestOutcome outcome)
    {
        if (outcome.RequestDurable is not { } durable)
        {
            return;
        }

        try
        {
            await durable.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            GatewayLog.AuditFailed(logger, outcome.Request.RequestId, ex.Message);
            throw;
        }
    }
}
