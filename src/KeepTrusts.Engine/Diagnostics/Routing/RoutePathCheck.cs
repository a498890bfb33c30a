using System.Net;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.Routing;

/// <summary>
/// Route.Path: where the app subnet sends packets for the endpoint's address, and, through an Azure Firewall,
/// whether a rule allows TCP 443 to it (naming the deciding rule). The classic silent timeout of gotcha 2.
/// </summary>
internal static class RoutePathCheck
{
    private const int RoutingGotcha = 2;

    public static CheckResult Evaluate(PrivateEndpointCheckContext c, RemediationNames n)
    {
        const string id = PrivateEndpointCheckIds.RoutePath;
        var inv = c.Inventory;
        CheckResult Skip(string why) => new(id, RoutingGotcha, CheckStatus.Skipped, why, [], null);
        if (c.Request.AppServiceResourceId is null)
        {
            return Skip("No -AppServiceResourceId: the route is judged from the app's integration subnet.");
        }

        if (c.Request.Arm is null && c.Request.ArmReader is null)
        {
            return Skip("Needs ARM: no ARM access was configured.");
        }

        if (inv.FailureText("routePath") is { } failure)
        {
            return Skip("Could not read the route table or the firewall: " + failure);
        }

        if (inv.PrivateEndpointId is null && inv.Account is not null)
        {
            return Skip("The account has no private endpoint (see PrivateEndpoint.Connection).");
        }

        if (inv.RoutePath is not { } path || n.PeAddress is not { } destination || inv.AppSubnetId is null)
        {
            return Skip("The app subnet or the endpoint's address is unknown, so no route could be computed.");
        }

        var (route, candidates) = EffectiveRoute.Find(destination, inv.AppVnet, ArmIds.Parent(inv.AppSubnetId),
            inv.PeSubnetId is null ? null : ArmIds.Parent(inv.PeSubnetId), inv.PeSubnet.Str("properties", "privateEndpointNetworkPolicies"), path.RouteTable);
        var evidence = new List<KeyValuePair<string, string>>
        {
            new("routeTable", inv.AppSubnet.Str("properties", "routeTable", "id") is { } rt ? ArmIds.Name(rt) : "(none)"),
            new("candidates", string.Join(" | ", candidates.Select(r => r.Describe()))),
        };
        if (path.RouteTable.Bool("properties", "disableBgpRoutePropagation") is { } noBgp)
        {
            evidence.Add(new("disableBgpRoutePropagation", noBgp.ToString()));
        }

        if (route is null)
        {
            return Skip("No route covers the endpoint's address.");
        }

        evidence.Add(new("nextHop", route.Describe()));
        var subnet = $"{ArmIds.Name(ArmIds.Parent(inv.AppSubnetId))}/{ArmIds.Name(inv.AppSubnetId)}";
        var source = n.SourceAddress ?? IPAddress.Any;
        switch (route.NextHopType)
        {
            case "VnetLocal" or "VNetPeering" or "InterfaceEndpoint":
                return new CheckResult(id, RoutingGotcha, CheckStatus.Pass,
                    $"From {subnet}, {destination} goes straight to the endpoint ({route.Describe()}).", evidence, null);
            case "None" or "Internet":
                return new CheckResult(id, RoutingGotcha, CheckStatus.Fail,
                    $"From {subnet}, {destination} is sent by {route.Describe()}: {(route.NextHopType == "None" ? "the packets are dropped" : "a private address does not route to the Internet")}.",
                    evidence, RouteFix(route));
            case "VirtualNetworkGateway":
                return new CheckResult(id, RoutingGotcha, CheckStatus.Warn,
                    $"From {subnet}, {destination} is sent to the VNet gateway by {route.Describe()}: what happens beyond it (on-premises, forced tunnelling) cannot be seen from ARM.",
                    evidence, RouteFix(route));
        }

        if (path.Firewall is not { } firewall)
        {
            return new CheckResult(id, RoutingGotcha, CheckStatus.Warn,
                $"From {subnet}, {destination} is sent to the appliance {route.NextHopIp} by {route.Describe()}; it is not an Azure Firewall in these subscriptions, so whether it forwards TCP 443 cannot be seen from ARM.",
                evidence, RouteFix(route));
        }

        var verdict = FirewallRuleEvaluator.Evaluate(firewall, path.FirewallPolicy, path.RuleCollectionGroups, source, destination, c.Fqdn);
        evidence.Add(new("firewall", ((System.Text.Json.JsonElement?)firewall).Str("name") ?? route.NextHopIp!));
        evidence.Add(new("decidingRule", verdict.DecidingRule));
        if (verdict.Notes.Count > 0)
        {
            evidence.Add(new("notes", string.Join(" | ", verdict.Notes)));
        }

        var flow = $"TCP 443 from {n.SourceDisplay} to {destination} ({c.Fqdn})";
        if (verdict.Allowed)
        {
            return new CheckResult(id, RoutingGotcha, verdict.Notes.Count > 0 ? CheckStatus.Warn : CheckStatus.Pass,
                $"{route.Describe()} sends the traffic through Azure Firewall {evidence.Last(e => e.Key == "firewall").Value}, and {flow} is allowed by {verdict.DecidingRule}.",
                evidence, null);
        }

        return new CheckResult(id, RoutingGotcha, CheckStatus.Fail,
            $"{route.Describe()} sends the traffic through Azure Firewall {evidence.Last(e => e.Key == "firewall").Value}, and {flow} is denied: {verdict.DecidingRule}. The app times out.",
            evidence, FirewallFix(c, n, path, destination));
    }

    private static string RouteFix(RouteCandidate route) =>
        route.IsUserDefined
            ? $"# {route.Source} decides; add a route for the endpoint that goes direct, or fix the appliance: az network route-table route create --resource-group <rg> --route-table-name <route-table> --name to-openai-pe --address-prefix <pe-ip>/32 --next-hop-type VnetLocal"
            : "# a system route decides: check peering between the app's VNet and the endpoint's VNet";

    private static string FirewallFix(PrivateEndpointCheckContext c, RemediationNames n, RoutePathInventory path, IPAddress destination)
    {
        var source = n.SourcePrefix ?? "<app-subnet-prefix>";
        if (path.FirewallPolicy is { } policy)
        {
            var policyId = ((System.Text.Json.JsonElement?)policy).Str("id")!;
            return $"az network firewall policy rule-collection-group create --subscription {ArmIds.Subscription(policyId)} --resource-group {ArmIds.ResourceGroup(policyId)} --policy-name {ArmIds.Name(policyId)} --name rcg-openai-pe --priority 150{Environment.NewLine}"
                + $"az network firewall policy rule-collection-group collection add-filter-collection --subscription {ArmIds.Subscription(policyId)} --resource-group {ArmIds.ResourceGroup(policyId)} --policy-name {ArmIds.Name(policyId)} "
                + $"--rule-collection-group-name rcg-openai-pe --name allow-openai-pe --collection-priority 100 --action Allow --rule-type NetworkRule --rule-name allow-app-to-openai-443 "
                + $"--ip-protocols TCP --source-addresses {source} --destination-addresses {destination} --destination-ports 443";
        }

        var firewallId = ((System.Text.Json.JsonElement?)path.Firewall).Str("id")!;
        return $"az network firewall network-rule create --subscription {ArmIds.Subscription(firewallId)} --resource-group {ArmIds.ResourceGroup(firewallId)} --firewall-name {ArmIds.Name(firewallId)} "
            + $"--collection-name allow-openai-pe --priority 150 --action Allow --name allow-app-to-openai-443 --protocols TCP --source-addresses {source} --destination-addresses {destination} --destination-ports 443";
    }
}
