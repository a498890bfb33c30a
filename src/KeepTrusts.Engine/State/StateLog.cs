using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.State;

/// <summary>Structured log events of the shared state store (event ids 1300-1309). Never logs the connection string.</summary>
internal static partial class StateLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning,
        Message = "Shared state (Redis) unavailable ({Reason}): falling back, {Fallback}, until it reconnects")]
    public static partial void SharedStateUnavailable(ILogger logger, string reason, string fallback);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Shared state (Redis) reconnected: limits and breakers are shared again")]
    public static partial void SharedStateRestored(ILogger logger);
}
