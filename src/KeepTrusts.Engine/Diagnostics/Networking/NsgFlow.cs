using System.Net;

namespace KeepTrusts.Engine.Diagnostics.Networking;

/// <summary>
/// The flow an NSG is asked about, with what the service tags mean for it: VirtualNetwork is the VNet's address
/// space plus its peered VNets' spaces.
/// </summary>
public sealed record NsgFlow(
    IPAddress Source,
    IPAddress Destination,
    int DestinationPort,
    string Protocol,
    IReadOnlyList<IPNetwork> VirtualNetworkSpace)
{
    /// <summary>Application security groups the source belongs to; null = unknown (ASG rules are then noted, not judged).</summary>
    public IReadOnlySet<string>? SourceApplicationSecurityGroups { get; init; }

    /// <summary>Application security groups the destination's NIC (the private endpoint) belongs to; null = unknown.</summary>
    public IReadOnlySet<string>? DestinationApplicationSecurityGroups { get; init; }
}
