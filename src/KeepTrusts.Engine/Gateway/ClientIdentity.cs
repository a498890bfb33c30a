using KeepTrusts.Engine.Keys;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Who sent a request: the id of a gateway.client_keys entry, or a virtual key's alias with the key itself
/// (its allow-lists, limits and budgets, for <see cref="KeyPolicy"/> and the per-key limiter).
/// </summary>
public sealed record ClientIdentity(string Id, VirtualKey? VirtualKey = null);
