namespace KeepTrusts.Engine.Diagnostics;

public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
    Skipped,
}
