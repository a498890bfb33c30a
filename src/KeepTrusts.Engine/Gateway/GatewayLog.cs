using KeepTrusts.Engine.Routing;
using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Gateway;

/// <summary>Structured log events of the gateway core, with stable event ids. None of them carries a secret or message text.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Request {RequestId} rejected with {Status} ({Code})")]
    public static partial void RequestRejected(ILogger logger, string requestId, int status, string code);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Target {Target} attempt {Attempt} failed: {Reason}; retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string target, int attempt, string reason, double delayMs);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Falling back from target {From} to {To}: {Reason}")]
    public static partial void FallingBack(ILogger logger, string from, string to, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Circuit of target {Target} is now {State}")]
    public static partial void CircuitChanged(ILogger logger, string target, CircuitState state);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Audit record for request {RequestId} could not be written: {Reason}")]
    public static partial void AuditFailed(ILogger logger, string requestId, string reason);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Health probe of target {Target} failed: {Reason}")]
    public static partial void ProbeFailed(ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Spend of virtual key {Alias} could not be recorded: {Reason}")]
    public static partial void SpendNotRecorded(ILogger logger, string alias, string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "Target {Target} has no credential: {Reason}")]
    public static partial void CredentialMissing(ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Request {RequestId} failed unexpectedly; the client got 500 internal_error")]
    public static partial void Unexpected(ILogger logger, string requestId, Exception exception);
}
