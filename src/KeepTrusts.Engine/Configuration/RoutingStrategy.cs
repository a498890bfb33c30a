namespace KeepTrusts.Engine.Configuration;

/// <summary>How a request picks among the targets that serve its model.</summary>
public enum RoutingStrategy
{
    /// <summary>The first matching target only.</summary>
    Single,

    /// <summary>Matching targets in listed order; move on after connection failure, timeout, 429 or 5xx.</summary>
    Fallback,

    /// <summary>Spread by weight, skipping targets whose circuit is open.</summary>
    WeightedRoundRobin,
}
