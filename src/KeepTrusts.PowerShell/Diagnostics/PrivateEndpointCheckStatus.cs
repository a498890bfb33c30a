namespace KeepTrusts.PowerShell.Diagnostics;

/// <summary>Outcome of one private-endpoint check (mirrors the engine's, so no engine type reaches the pipeline).</summary>
public enum PrivateEndpointCheckStatus
{
    Pass,
    Warn,
    Fail,
    Skipped,
}
