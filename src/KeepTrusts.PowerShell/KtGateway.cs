namespace KeepTrusts.PowerShell;

/// <summary>A kt gateway process started by Start-KtGateway.</summary>
public sealed class KtGateway
{
    public string Id { get; init; } = string.Empty;

    public string Url { get; init; } = string.Empty;

    public int ProcessId { get; init; }

    public string PolicyConfig { get; init; } = string.Empty;

    public DateTimeOffset StartTime { get; init; }

    /// <summary>Starting, Running, Exited (ended without Stop-KtGateway: see ExitCode, ExitReason, LastLogLines) or Stopped.</summary>
    public string Status { get; init; } = "Running";

    /// <summary>kt's exit code for an Exited gateway (null when it was killed before it could record one).</summary>
    public int? ExitCode { get; init; }

    /// <summary>Why an Exited gateway ended, in kt's words (for example the port it could not listen on).</summary>
    public string? ExitReason { get; init; }

    /// <summary>The last lines of an Exited gateway's log.</summary>
    public string[] LastLogLines { get; init; } = [];

    /// <summary>The gateway's log file (kt writes it; it outlives the session).</summary>
    public string LogPath { get; init; } = string.Empty;
}
