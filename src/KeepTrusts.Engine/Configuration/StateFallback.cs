namespace KeepTrusts.Engine.Configuration;

/// <summary><c>gateway.state.redis.on_unavailable</c>: what a replica does while Redis is unreachable.</summary>
public enum StateFallback
{
    /// <summary>Enforce limits in this process only (each replica allows the full rate) and report Degraded.</summary>
    Local,

    /// <summary>Refuse rate-limited requests (429) until Redis is back; breakers fall back to local state.</summary>
    Deny,
}
