namespace KeepTrusts.Engine.Hosting;

/// <summary>The gateway process could not be started or did not become ready: one sentence, the reason, and the log tail.</summary>
public sealed class GatewayStartException(GatewayStartFailure failure, string message, string? logTail = null) : Exception(message)
{
    public GatewayStartFailure Failure { get; } = failure;

    /// <summary>The last lines kt logged (for -Verbose and $Error[0].Exception), empty when it logged nothing.</summary>
    public string LogTail { get; } = logTail ?? string.Empty;
}
