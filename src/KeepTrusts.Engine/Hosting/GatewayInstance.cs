namespace KeepTrusts.Engine.Hosting;

/// <summary>A kt gateway process started by Start-KtGateway, as recorded in the state directory.</summary>
public sealed record GatewayInstance(
    string Id,
    string Url,
    int ProcessId,
    string PolicyConfig,
    DateTimeOffset StartTime,
    string LogPath)
{
    /// <summary>Running while the recorded process is alive and is still the one we started.</summary>
    public string Status { get; init; } = "Running";
}
