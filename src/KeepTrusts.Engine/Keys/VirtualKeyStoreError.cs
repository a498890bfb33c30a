namespace KeepTrusts.Engine.Keys;

/// <summary>What kind of refusal a <see cref="VirtualKeyStoreException"/> is, so callers can map it to their own error ids.</summary>
public enum VirtualKeyStoreError
{
    /// <summary>The file or the requested key is invalid (bad JSON, bad alias, bad limits).</summary>
    Invalid,

    /// <summary>No key has the given id or alias.</summary>
    NotFound,

    /// <summary>A key with the alias exists already, or the store is full.</summary>
    Exists,

    /// <summary>Another writer holds the store's lock file.</summary>
    Locked,
}
