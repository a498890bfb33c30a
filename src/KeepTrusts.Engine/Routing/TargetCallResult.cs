namespace KeepTrusts.Engine.Routing;

/// <summary>What one call says about a target's health.</summary>
public enum TargetCallResult
{
    Success,
    Failure,

    /// <summary>Says nothing about the target (client left, 429, no credential): frees a half-open slot only.</summary>
    Neutral,
}
