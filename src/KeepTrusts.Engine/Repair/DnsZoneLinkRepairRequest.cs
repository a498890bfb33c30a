using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Repair;

/// <summary>What Repair-KtDnsZoneLink was asked to put in place.</summary>
public sealed class DnsZoneLinkRepairRequest
{
    public required string PrivateEndpointId { get; init; }

    /// <summary>VNets to link; the endpoint's own VNet is always linked too.</summary>
    public IReadOnlyList<string> VirtualNetworkIds { get; init; } = [];

    /// <summary>/subscriptions/x/resourceGroups/rg for the zone; null = where the zone group's zone is, else the endpoint VNet's resource group.</summary>
    public string? ZoneResourceGroupId { get; init; }

    public string ZoneName { get; init; } = "privatelink.openai.azure.com";

    /// <summary>Also rewrite an A record that holds another address than the endpoint's NIC (the endpoint was recreated).</summary>
    public bool FixStaleRecord { get; init; }

    public required ArmConnectionOptions Arm { get; init; }
}
