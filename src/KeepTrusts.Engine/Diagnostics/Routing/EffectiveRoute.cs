using System.Net;
using System.Text.Json;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics.Networking;

namespace KeepTrusts.Engine.Diagnostics.Routing;

/// <summary>
/// The next hop Azure picks for the endpoint's address from the app subnet: longest prefix wins, a UDR beats a system
/// route of the same length. System routes: the VNet's own space (VnetLocal), peered spaces (VNetPeering), 0.0.0.0/0
/// (Internet) and the private endpoint's /32 (InterfaceEndpoint) in its own and peered VNets; that /32 gives way to a
/// broader UDR only when the endpoint subnet has route-table network policies on. Routes learned over BGP (a VPN or
/// ExpressRoute gateway) are not in ARM's resource model and are not seen here.
/// </summary>
internal static class EffectiveRoute
{
    public static (RouteCandidate? Route, IReadOnlyList<RouteCandidate> Candidates) Find(
        IPAddress destination, JsonElement? appVnet, string appVnetId, string? peVnetId, string? peSubnetPolicies, JsonElement? routeTable)
    {
        var candidates = new List<RouteCandidate>();
        void Add(string? prefix, string type, string? ip, string source, bool udr)
        {
            if (prefix is not null && NsgEvaluator.TryParsePrefix(prefix, out var network) && network.Contains(destination))
            {
                candidates.Add(new RouteCandidate(network, type, ip, source, udr));
            }
        }

        foreach (var prefix in appVnet.Arr("properties", "addressSpace", "addressPrefixes"))
        {
            Add(prefix.GetString(), "VnetLocal", null, "system route (VNet address space)", false);
        }

        var peered = false;
        foreach (var peering in appVnet.Arr("properties", "virtualNetworkPeerings"))
        {
            JsonElement? p = peering;
            if (p.Str("properties", "peeringState") is { } state && state != "Connected")
            {
                continue;
            }

            peered |= ArmIds.SameId(p.Str("properties", "remoteVirtualNetwork", "id"), peVnetId);
            foreach (var prefix in p.Arr("properties", "remoteAddressSpace", "addressPrefixes"))
            {
                Add(prefix.GetString(), "VNetPeering", null, $"system route (peering {p.Str("name")})", false);
            }
        }

        Add("0.0.0.0/0", "Internet", null, "system route (default)", false);
        var routeTableName = routeTable.Str("name") ?? "route table";
        foreach (var route in routeTable.Arr("properties", "routes"))
        {
            JsonElement? r = route;
            Add(r.Str("properties", "addressPrefix"), r.Str("properties", "nextHopType") ?? "None", r.Str("properties", "nextHopIpAddress"), $"UDR {routeTableName}/{r.Str("name")}", true);
        }

        var samePlace = peVnetId is not null && (ArmIds.SameId(peVnetId, appVnetId) || peered);
        var routeTablePolicies = peSubnetPolicies is "Enabled" or "RouteTableEnabled";
        if (samePlace)
        {
            var host = new IPNetwork(destination, destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            var broaderUdr = candidates.Any(c => c.IsUserDefined && c.Prefix.PrefixLength < host.PrefixLength);
            if (!(routeTablePolicies && broaderUdr))
            {
                candidates.Add(new RouteCandidate(host, "InterfaceEndpoint", null, "system route (private endpoint /32)", false));
            }
        }

        var chosen = candidates.OrderByDescending(c => c.Prefix.PrefixLength).ThenByDescending(c => c.IsUserDefined).FirstOrDefault();
        return (chosen, candidates);
    }
}
