namespace KeepTrusts.Engine.Policies;

/// <summary>The outcome of one policy on one request or response.</summary>
public enum PolicyAction
{
    Allow,
    Redact,
    Block,
}
