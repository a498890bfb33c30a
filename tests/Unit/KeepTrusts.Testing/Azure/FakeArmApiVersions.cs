namespace KeepTrusts.Testing.Azure;

/// <summary>
/// The api-version the fake accepts per resource type. Strict on purpose: a client that sends another version
/// gets the same 400 InvalidApiVersionParameter a real provider returns for an unknown one.
/// </summary>
public static class FakeArmApiVersions
{
    public static readonly IReadOnlyDictionary<string, string> ByResourceType = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.CognitiveServices/accounts"] = "2024-10-01",
        ["Microsoft.CognitiveServices/accounts/privateEndpointConnections"] = "2024-10-01",
        ["Microsoft.Network/privateEndpoints"] = "2024-05-01",
        ["Microsoft.Network/privateEndpoints/privateDnsZoneGroups"] = "2024-05-01",
        ["Microsoft.Network/networkInterfaces"] = "2024-05-01",
        ["Microsoft.Network/virtualNetworks"] = "2024-05-01",
        ["Microsoft.Network/virtualNetworks/subnets"] = "2024-05-01",
        ["Microsoft.Network/networkSecurityGroups"] = "2024-05-01",
        ["Microsoft.Network/privateDnsZones"] = "2024-06-01",
        ["Microsoft.Network/privateDnsZones/virtualNetworkLinks"] = "2024-06-01",
        ["Microsoft.Network/privateDnsZones/A"] = "2024-06-01",
        ["Microsoft.Network/azureFirewalls"] = "2024-05-01",
        ["Microsoft.Network/firewallPolicies"] = "2024-05-01",
        ["Microsoft.Network/firewallPolicies/ruleCollectionGroups"] = "2024-05-01",
        ["Microsoft.Network/routeTables"] = "2024-05-01",
        ["Microsoft.Network/dnsResolvers"] = "2022-07-01",
        ["Microsoft.Network/dnsResolvers/inboundEndpoints"] = "2022-07-01",
        ["Microsoft.Network/dnsForwardingRulesets"] = "2022-07-01",
        ["Microsoft.Network/dnsForwardingRulesets/forwardingRules"] = "2022-07-01",
        ["Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks"] = "2022-07-01",
        ["Microsoft.Web/sites"] = "2023-12-01",
        ["Microsoft.Web/sites/config"] = "2023-12-01",
        ["Microsoft.Web/sites/slots"] = "2023-12-01",
        ["Microsoft.Web/sites/slots/config"] = "2023-12-01",
    };
}
