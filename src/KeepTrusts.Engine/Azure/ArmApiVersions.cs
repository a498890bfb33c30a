using Azure.Core;

namespace KeepTrusts.Engine.Azure;

/// <summary>
/// The api-version pinned per resource type. Explicit, so reads and writes never depend on a provider lookup,
/// and the JSON shapes the checks read are the ones these versions document.
/// </summary>
public static class ArmApiVersions
{
    public const string CognitiveServices = "2024-10-01";
    public const string Network = "2024-05-01";
    public const string PrivateDns = "2024-06-01";
    public const string Web = "2023-12-01";
    public const string DnsResolver = "2022-07-01";

    /// <summary>Resource Graph queries (POST /providers/Microsoft.ResourceGraph/resources): a provider action, not a resource type.</summary>
    public const string ResourceGraph = "2022-10-01";

    public static readonly IReadOnlyDictionary<string, string> ByResourceType = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.CognitiveServices/accounts"] = CognitiveServices,
        ["Microsoft.CognitiveServices/accounts/privateEndpointConnections"] = CognitiveServices,
        ["Microsoft.Network/privateEndpoints"] = Network,
        ["Microsoft.Network/privateEndpoints/privateDnsZoneGroups"] = Network,
        ["Microsoft.Network/networkInterfaces"] = Network,
        ["Microsoft.Network/virtualNetworks"] = Network,
        ["Microsoft.Network/virtualNetworks/subnets"] = Network,
        ["Microsoft.Network/networkSecurityGroups"] = Network,
        ["Microsoft.Network/privateDnsZones"] = PrivateDns,
        ["Microsoft.Network/privateDnsZones/virtualNetworkLinks"] = PrivateDns,
        ["Microsoft.Network/privateDnsZones/A"] = PrivateDns,
        ["Microsoft.Network/azureFirewalls"] = Network,
        ["Microsoft.Network/firewallPolicies"] = Network,
        ["Microsoft.Network/firewallPolicies/ruleCollectionGroups"] = Network,
        ["Microsoft.Network/routeTables"] = Network,
        ["Microsoft.Network/dnsResolvers"] = DnsResolver,
        ["Microsoft.Network/dnsResolvers/inboundEndpoints"] = DnsResolver,
        ["Microsoft.Network/dnsForwardingRulesets"] = DnsResolver,
        ["Microsoft.Network/dnsForwardingRulesets/forwardingRules"] = DnsResolver,
        ["Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks"] = DnsResolver,
        ["Microsoft.Web/sites"] = Web,
        ["Microsoft.Web/sites/config"] = Web,
        ["Microsoft.Web/sites/slots"] = Web,
        ["Microsoft.Web/sites/slots/config"] = Web,
    };

    /// <summary>The pinned version for a resource or collection type; throws for a type we never call.</summary>
    public static string For(ResourceType type) =>
        ByResourceType.TryGetValue(type.ToString(), out var version)
            ? version
            : throw new InvalidOperationException($"No api-version is pinned for {type}; add it to {nameof(ArmApiVersions)}.");
}
