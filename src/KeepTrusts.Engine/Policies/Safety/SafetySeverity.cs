namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>Severity levels, as Azure's content filter names them.</summary>
public enum SafetySeverity
{
    Safe = 0,
    Low = 1,
    Medium = 2,
    High = 3,
}
