namespace KeepTrusts.Engine.Keys;

/// <summary>A key just added, with its secret: the only time the secret exists outside the client's hands.</summary>
public sealed record CreatedVirtualKey(VirtualKey Key, string Secret);
