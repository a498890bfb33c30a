namespace KeepTrusts.Engine.Repair;

public enum RepairOutcome
{
    /// <summary>The resource was written and its operation completed.</summary>
    Created,

    /// <summary>It already existed as needed; nothing was sent.</summary>
    AlreadyPresent,

    /// <summary>-WhatIf (or a declined confirmation): it would be created; nothing was sent.</summary>
    WouldCreate,

    /// <summary>An existing resource was rewritten (a stale A record) and the write completed.</summary>
    Updated,

    /// <summary>-WhatIf (or a declined confirmation): it would be rewritten; nothing was sent.</summary>
    WouldUpdate,
}
