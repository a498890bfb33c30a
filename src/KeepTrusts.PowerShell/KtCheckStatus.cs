namespace KeepTrusts.PowerShell;

/// <summary>Outcome of one private-endpoint check (mirrors the engine's, so no engine type reaches the pipeline).</summary>
public enum KtCheckStatus
{
    Pass,
    Warn,
    Fail,
    Skipped,
}
