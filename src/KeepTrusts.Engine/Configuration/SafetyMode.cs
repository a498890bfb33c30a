namespace KeepTrusts.Engine.Configuration;

/// <summary>Severity at which safety-filter acts: strict = low and above, standard = medium and above.</summary>
public enum SafetyMode
{
    Standard,
    Strict,
}
