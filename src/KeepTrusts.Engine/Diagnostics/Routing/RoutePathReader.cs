using System.Net;
using System.Text.Json;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.Routing;

/// <summary>
/// Reads the app subnet's route table and, when the effective next hop for the endpoint is a virtual appliance,
/// finds the Azure Firewall with that private address (in the route table's and the endpoint's subscriptions) with
/// its Firewall Policy and rule collection groups.
/// </summary>
internal static class RoutePathReader
{
    public static async Task<RoutePathInventory?> ReadAsync(IArmReader arm, PrivateEndpointInventory inventory, CancellationToken cancellationToken)
    {
        if (inventory.AppSubnet is null || inventory.AppSubnetId is null || inventory.NicIp is null || !IPAddress.TryParse(inventory.NicIp, out var destination))
        {
            return null;
        }

        var result = new RoutePathInventory();
        var routeTableId = inventory.AppSubnet.Str("properties", "routeTable", "id");
        if (routeTableId is not null)
        {
            result.RouteTable = await arm.GetAsync(routeTableId, cancellationToken).ConfigureAwait(false);
        }

        var (route, _) = EffectiveRoute.Find(destination, inventory.AppVnet, ArmIds.Parent(inventory.AppSubnetId),
            inventory.PeSubnetId is null ? null : ArmIds.Parent(inventory.PeSubnetId), inventory.PeSubnet.Str("properties", "privateEndpointNetworkPolicies"), result.RouteTable);
        if (route is not { NextHopType: "VirtualAppliance", NextHopIp: { } applianceIp })
        {
            return result;
        }

        var subscriptions = new[] { routeTableId, inventory.PeSubnetId }.Where(i => i is not null).Select(i => ArmIds.Subscription(i!)).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var subscription in subscriptions)
        {
            foreach (var firewall in await arm.ListBySubscriptionAsync(subscription, "Microsoft.Network/azureFirewalls", cancellationToken).ConfigureAwait(false))
            {
                JsonElement? f = firewall;
                if (!f.Arr("properties", "ipConfigurations").Any(c => ((JsonElement?)c).Str("properties", "privateIPAddress") == applianceIp))
                {
                    continue;
                }

                result.Firewall = firewall;
                if (f.Str("properties", "firewallPolicy", "id") is { } policyId)
                {
                    var policy = arm.GetAsync(policyId, cancellationToken);
                    var groups = arm.ListAsync(policyId, "ruleCollectionGroups", cancellationToken);
                    result.FirewallPolicy = await policy.ConfigureAwait(false);
                    result.RuleCollectionGroups = await groups.ConfigureAwait(false);
                }

                return result;
            }
        }

        return result;
    }
}
