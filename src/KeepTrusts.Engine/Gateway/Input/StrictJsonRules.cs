using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>What <see cref="StrictJsonReader"/> enforces beyond well-formed UTF-8 JSON with unique keys and whole surrogate pairs.</summary>
public sealed record StrictJsonRules(int MaxDepth, int MaxItems, int MaxMessages, bool ClientRequest)
{
    /// <summary>A client's request: the limits, the message count and the kinds of the top-level fields upstreams read.</summary>
    public static StrictJsonRules ForClient(GatewayLimitsOptions limits) => new(limits.MaxJsonDepth, limits.MaxJsonItems, limits.MaxMessages, ClientRequest: true);

    /// <summary>An upstream's answer (a complete body or one stream event).</summary>
    public static StrictJsonRules ForUpstream(GatewayLimitsOptions limits) => new(limits.MaxJsonDepth, limits.MaxJsonItems, 0, ClientRequest: false);
}
