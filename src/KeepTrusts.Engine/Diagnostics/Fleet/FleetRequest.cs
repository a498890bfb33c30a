using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.Fleet;

/// <summary>What Test-KtPrivateEndpoint -SubscriptionId was asked: which subscriptions (and resource groups) to sweep, and how.</summary>
public sealed class FleetRequest
{
    public required IReadOnlyList<string> SubscriptionIds { get; init; }

    /// <summary>Only accounts in these resource groups; empty = every resource group.</summary>
    public IReadOnlyList<string> ResourceGroupNames { get; init; } = [];

    /// <summary>How many accounts are checked at once (1-64).</summary>
    public int ThrottleLimit { get; init; } = 8;

    public required ArmConnectionOptions Arm { get; init; }

    /// <summary>VNets that must resolve every account privately besides each endpoint's own (spokes, the hub).</summary>
    public IReadOnlyList<string> VirtualNetworkIds { get; init; } = [];

    public string? DnsServer { get; init; }

    public int Port { get; init; } = 443;

    public TimeSpan DnsTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan TlsTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
