namespace KeepTrusts.PowerShell;

/// <summary>A kt gateway process started by Start-KtGateway.</summary>
public sealed class KtGateway
{
    public string Id { get; init; } = string.Empty;

    public string Url { get; init; } = string.Empty;

    public int ProcessId { get; init; }

    public string PolicyConfig { get; init; } = string.Empty;

    public DateTimeOffset StartTime { get; init; }

    /// <summary>Running or Stopped.</summary>
    public string Status { get; init; } = "Running";

    /// <summary>The gateway's log file (kt writes it; it outlives the session).</summary>
    public string LogPath { get; init; } = string.Empty;
}
