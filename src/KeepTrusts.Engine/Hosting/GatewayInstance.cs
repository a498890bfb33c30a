namespace KeepTrusts.Engine.Hosting;

/// <summary>
/// A kt gateway process started by Start-KtGateway, as recorded in the state directory. The engine writes the record
/// before kt starts (Status Starting, no Url); kt fills in the Url it bound and, when it ends, its exit code and reason.
/// </summary>
public sealed record GatewayInstance(
    string Id,
    string Url,
    int ProcessId,
    string PolicyConfig,
    DateTimeOffset StartTime,
    string LogPath)
{
    /// <summary>Starting, Running, Exited (the process ended without Stop-KtGateway) or Stopped.</summary>
    public string Status { get; init; } = "Running";

    /// <summary>kt's exit code when it recorded one (see <see cref="KtExitCodes"/>); null while running or after a kill.</summary>
    public int? ExitCode { get; init; }

    /// <summary>One sentence from kt on why it ended (for example the port it could not listen on).</summary>
    public string? ExitReason { get; init; }

    /// <summary>The last lines of the log, for an Exited gateway.</summary>
    public IReadOnlyList<string>? LastLogLines { get; init; }
}
