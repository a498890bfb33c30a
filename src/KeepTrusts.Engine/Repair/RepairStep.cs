namespace KeepTrusts.Engine.Repair;

/// <summary>
/// One thing the repair needs: the resource id it would PUT, the body's properties, and whether it is already there.
/// Planning only reads; applying is a separate call so the caller can ask ShouldProcess in between.
/// </summary>
public sealed record RepairStep(
    RepairActionKind Action,
    string Target,
    string Description,
    bool AlreadyPresent,
    string? Location,
    string PropertiesJson)
{
    /// <summary>True for a step that rewrites an existing resource rather than creating a missing one.</summary>
    public bool IsUpdate => Action == RepairActionKind.RewriteARecord;
}
