using Microsoft.Extensions.Logging;

namespace KeepTrusts.Engine.Keys;

/// <summary>Structured log events of the virtual key store (event ids 1310-1319). Never logs a secret or a hash.</summary>
internal static partial class KeyStoreLog
{
    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Key store {Path} reloaded: {Count} key(s)")]
    public static partial void Reloaded(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Error, Message = "Key store change refused, the previous keys keep serving: {Reason}")]
    public static partial void ReloadRefused(ILogger logger, string reason);
}
