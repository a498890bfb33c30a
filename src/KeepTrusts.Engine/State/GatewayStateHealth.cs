namespace KeepTrusts.Engine.State;

/// <summary>How a gateway's shared state is doing, for /readyz and logs.</summary>
public enum GatewayStateHealth
{
    /// <summary>No shared store configured: limits and breakers are per process.</summary>
    Local,

    /// <summary>Redis answers: limits, breakers and spend are shared by every replica.</summary>
    Shared,

    /// <summary>Redis is configured but unreachable: the configured fallback applies until it reconnects.</summary>
    Degraded,
}
