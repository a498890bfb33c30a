using System.Text.Json.Nodes;
using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class RoutePathTests
{
    private static CheckResult Route(PrivateEndpointReport report) => report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.RoutePath);

    [RequiresDnsmasqFact]
    public async Task Udr_through_a_firewall_without_a_443_rule_fails_with_the_default_deny_and_a_policy_fix()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.UdrToFirewallDenied);

        var report = await lab.RunAsync();

        var route = Route(report);
        Assert.Equal((CheckStatus.Fail, (int?)2), (route.Status, route.Gotcha));
        Assert.Contains("UDR rt-app/hub-via-firewall 127.10.0.0/16 -> VirtualAppliance 127.10.6.4 sends the traffic through Azure Firewall afw-hub", route.Message);
        Assert.Contains("TCP 443 from 127.20.1.0/24 (snet-app) to 127.10.0.4 (kt-openai-eastus.openai.azure.com) is denied: no rule matches: the firewall's default deny", route.Message);
        Assert.Contains("--policy-name afwp-hub", route.Remediation);
        Assert.Contains("--ip-protocols TCP --source-addresses 127.20.1.0/24 --destination-addresses 127.10.0.4 --destination-ports 443", route.Remediation);
        Assert.Contains(lab.Arm.Requests, r => r.Path == lab.Topology.FirewallPolicyId + "/ruleCollectionGroups" && r.ApiVersion == "2024-05-01");
        Assert.Contains(lab.Arm.Requests, r => r.Path == lab.Topology.RouteTableId && r.ApiVersion == "2024-05-01");
    }

    [RequiresDnsmasqFact]
    public async Task Udr_through_a_firewall_that_allows_443_passes_naming_the_rule()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.UdrToFirewallAllowed);

        var report = await lab.RunAsync();

        var route = Route(report);
        Assert.Equal(CheckStatus.Pass, route.Status);
        Assert.Contains("is allowed by afwp-hub/rcg-spoke/allow-openai/app-to-openai-443 (Allow)", route.Message);
    }

    [RequiresDnsmasqFact]
    public async Task Classic_firewall_rules_are_read_and_the_first_matching_collection_decides()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.UdrToFirewallAllowed);
        var firewall = lab.Arm.Store.Get(lab.Topology.FirewallId)!;
        var properties = (JsonObject)firewall["properties"]!;
        properties.Remove("firewallPolicy");
        properties["networkRuleCollections"] = JsonNode.Parse("""
        [
          { "name": "deny-ai", "properties": { "priority": 100, "action": { "type": "Deny" },
            "rules": [ { "name": "no-openai", "protocols": [ "TCP" ], "sourceAddresses": [ "*" ], "destinationAddresses": [ "127.10.0.0/24" ], "destinationPorts": [ "443" ] } ] } },
          { "name": "allow-all", "properties": { "priority": 200, "action": { "type": "Allow" },
            "rules": [ { "name": "any", "protocols": [ "Any" ], "sourceAddresses": [ "*" ], "destinationAddresses": [ "*" ], "destinationPorts": [ "*" ] } ] } }
        ]
        """);

        var report = await lab.RunAsync();

        var route = Route(report);
        Assert.Equal(CheckStatus.Fail, route.Status);
        Assert.Contains("is denied: afw-hub/deny-ai/no-openai (Deny)", route.Message);
        Assert.StartsWith("az network firewall network-rule create", route.Remediation);
    }

    [RequiresDnsmasqFact]
    public async Task Unknown_appliance_warns_with_the_route_and_direct_paths_pass()
    {
        await using var appliance = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.UdrToUnknownAppliance);
        await using var direct = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);

        var warned = Route(await appliance.RunAsync());
        var passed = Route(await direct.RunAsync());

        Assert.Equal(CheckStatus.Warn, warned.Status);
        Assert.Contains("sent to the appliance 127.10.7.4 by UDR rt-app/hub-via-firewall", warned.Message);
        Assert.Contains("not an Azure Firewall in these subscriptions", warned.Message);
        Assert.Equal(CheckStatus.Pass, passed.Status);
        Assert.Contains("system route (private endpoint /32) 127.10.0.4/32 -> InterfaceEndpoint", passed.Message);
    }
}
