using System.Text.Json.Nodes;
using KeepTrusts.Testing.Dns;

namespace KeepTrusts.Testing.Azure;

/// <summary>
/// A hub-and-spoke Azure OpenAI private-endpoint set-up in two subscriptions (network + AI in one, the app in a
/// separate one, as in the seed's separate-subscription design), served by the fake ARM in real JSON shapes and
/// by dnsmasq. Addresses are in 127.0.0.0/8 so that the "private IP" the tests connect to is loopback.
/// </summary>
public sealed class PrivateEndpointTopology
{
    public string NetworkSubscription { get; init; } = "11111111-1111-4111-8111-111111111111";
    public string AppSubscription { get; init; } = "22222222-2222-4222-8222-222222222222";
    public string AccountName { get; init; } = "kt-openai-eastus";
    public string AiResourceGroup { get; init; } = "rg-ai";
    public string NetworkResourceGroup { get; init; } = "rg-networking";
    public string AppResourceGroup { get; init; } = "rg-app";
    public string PrivateEndpointName { get; init; } = "pe-openai-eastus";
    public string NicName { get; init; } = "pe-openai-eastus.nic.5b1c2f0e-7a4d-4c1e-9f1e-2d3c4b5a6978";
    public string HubVnetName { get; init; } = "hub-vnet";
    public string SpokeVnetName { get; init; } = "spoke-vnet";
    public string PeSubnetName { get; init; } = "snet-private-endpoints";
    public string AppSubnetName { get; init; } = "snet-app";
    public string PeNsgName { get; init; } = "nsg-private-endpoints";
    public string AppNsgName { get; init; } = "nsg-app";
    public string AppName { get; init; } = "app-kt";
    public string ZoneName { get; init; } = "privatelink.openai.azure.com";

    /// <summary>The private endpoint's NIC address (loopback, standing in for 10.1.2.4).</summary>
    public string PrivateIp { get; init; } = "127.10.0.4";

    /// <summary>The address an old, deleted endpoint had: what a stale A record still holds.</summary>
    public string StaleIp { get; init; } = "127.10.0.99";

    /// <summary>A documentation-range address (RFC 5737) standing in for the account's public IP; never connected to.</summary>
    public string PublicIp { get; init; } = "203.0.113.10";

    public string HubAddressSpace { get; init; } = "127.10.0.0/16";
    public string PeSubnetPrefix { get; init; } = "127.10.0.0/24";
    public string SpokeAddressSpace { get; init; } = "127.20.0.0/16";
    public string AppSubnetPrefix { get; init; } = "127.20.1.0/24";

    public string Fqdn => $"{AccountName}.openai.azure.com";
    public string PrivatelinkFqdn => $"{AccountName}.{ZoneName}";
    public string EndpointUrl => $"https://{Fqdn}/";

    public string AccountId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{AiResourceGroup}/providers/Microsoft.CognitiveServices/accounts/{AccountName}";
    public string PrivateEndpointId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{AiResourceGroup}/providers/Microsoft.Network/privateEndpoints/{PrivateEndpointName}";
    public string ZoneGroupId => $"{PrivateEndpointId}/privateDnsZoneGroups/default";
    public string NicId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{AiResourceGroup}/providers/Microsoft.Network/networkInterfaces/{NicName}";
    public string HubVnetId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/virtualNetworks/{HubVnetName}";
    public string SpokeVnetId => $"/subscriptions/{AppSubscription}/resourceGroups/{AppResourceGroup}/providers/Microsoft.Network/virtualNetworks/{SpokeVnetName}";
    public string PeSubnetId => $"{HubVnetId}/subnets/{PeSubnetName}";
    public string AppSubnetId => $"{SpokeVnetId}/subnets/{AppSubnetName}";
    public string PeNsgId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/networkSecurityGroups/{PeNsgName}";
    public string AppNsgId => $"/subscriptions/{AppSubscription}/resourceGroups/{AppResourceGroup}/providers/Microsoft.Network/networkSecurityGroups/{AppNsgName}";
    public string ZoneId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/privateDnsZones/{ZoneName}";
    public string HubLinkId => $"{ZoneId}/virtualNetworkLinks/link-{HubVnetName}";
    public string SpokeLinkId => $"{ZoneId}/virtualNetworkLinks/link-{SpokeVnetName}";
    public string ARecordId => $"{ZoneId}/A/{AccountName}";
    public string AppId => $"/subscriptions/{AppSubscription}/resourceGroups/{AppResourceGroup}/providers/Microsoft.Web/sites/{AppName}";
    public string AppSettingsId => $"{AppId}/config/appsettings";
    public string ConnectionStringsId => $"{AppId}/config/connectionstrings";
    public string StagingSlotId => $"{AppId}/slots/staging";

    /// <summary>A secret in the app's settings (an API key, a SQL password): no output may ever contain it.</summary>
    public const string SecretText = "Zm9vYmFyLXNlY3JldC1rZXktdGhhdC1tdXN0LW5ldmVyLWxlYWs";

    /// <summary>The regional public endpoint: the classic wrong AZURE_OPENAI_ENDPOINT (bypasses the private endpoint).</summary>
    public string RegionalPublicEndpoint { get; init; } = "https://eastus.api.cognitive.microsoft.com/";

    public string DnsVnetId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/virtualNetworks/dns-vnet";
    public string ResolverId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/dnsResolvers/dnspr-hub";
    public string RulesetId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/dnsForwardingRulesets/ruleset-onprem";
    public string FirewallId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/azureFirewalls/afw-hub";
    public string FirewallPolicyId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/firewallPolicies/afwp-hub";

    /// <summary>Addresses of the custom DNS servers in the DNS scenarios (loopback stand-ins; never queried by the diagnostics).</summary>
    public string CustomDnsIp { get; init; } = "127.20.0.53";
    public string ResolverInboundIp { get; init; } = "127.10.5.4";
    public string FirewallIp { get; init; } = "127.10.6.4";

    public string RouteTableId => $"/subscriptions/{AppSubscription}/resourceGroups/{AppResourceGroup}/providers/Microsoft.Network/routeTables/rt-app";

    /// <summary>An appliance address that is not an Azure Firewall (loopback stand-in; never contacted).</summary>
    public string UnknownApplianceIp { get; init; } = "127.10.7.4";

    public string AsgId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}/providers/Microsoft.Network/applicationSecurityGroups/asg-openai-pe";

    public string NetworkResourceGroupId => $"/subscriptions/{NetworkSubscription}/resourceGroups/{NetworkResourceGroup}";

    /// <summary>The ARM resources of a scenario.</summary>
    public ArmResourceStore BuildStore(PrivateEndpointScenario scenario)
    {
        var store = new ArmResourceStore();
        var pending = scenario == PrivateEndpointScenario.ConnectionPending;
        var noEndpoint = scenario == PrivateEndpointScenario.NoPrivateEndpoint;
        var publicAccess = scenario == PrivateEndpointScenario.PublicAccessNoDns || noEndpoint;

        var account = Account(pending, publicAccess);
        if (noEndpoint)
        {
            account["properties"]!["privateEndpointConnections"] = new JsonArray();
        }

        store.Put(account);
        if (!noEndpoint)
        {
            store.Put(PrivateEndpoint(pending));
            store.Put(Nic());
        }

        store.Put(HubVnet());
        var throughAppliance = scenario is PrivateEndpointScenario.UdrToFirewallDenied or PrivateEndpointScenario.UdrToFirewallAllowed or PrivateEndpointScenario.UdrToUnknownAppliance;
        // Route-table network policies on the endpoint subnet let the broader UDR take precedence over the endpoint's /32.
        store.Put(Subnet(PeSubnetId, PeSubnetName, PeSubnetPrefix, PeNsgId,
            scenario is PrivateEndpointScenario.NsgDeniesHttps or PrivateEndpointScenario.NsgDeniesByAsg ? "Enabled" : throughAppliance ? "RouteTableEnabled" : "Disabled", delegated: false));
        var spoke = SpokeVnet();
        var spokeDns = scenario switch
        {
            PrivateEndpointScenario.CustomDnsVm => CustomDnsIp,
            PrivateEndpointScenario.PrivateResolverZoneNotLinked => ResolverInboundIp,
            PrivateEndpointScenario.FirewallDnsProxy => FirewallIp,
            _ => null,
        };
        if (spokeDns is not null)
        {
            spoke["properties"]!["dhcpOptions"] = new JsonObject { ["dnsServers"] = new JsonArray(spokeDns) };
        }

        store.Put(spoke);
        AddDnsInfrastructure(store, scenario);
        var appSubnet = Subnet(AppSubnetId, AppSubnetName, AppSubnetPrefix, AppNsgId, "Disabled", delegated: true);
        if (throughAppliance)
        {
            appSubnet["properties"]!["routeTable"] = new JsonObject { ["id"] = RouteTableId };
            store.Put(RouteTable(scenario == PrivateEndpointScenario.UdrToUnknownAppliance ? UnknownApplianceIp : FirewallIp));
        }

        store.Put(appSubnet);
        var peNsg = PeNsg(scenario == PrivateEndpointScenario.NsgDeniesHttps);
        if (scenario == PrivateEndpointScenario.NsgDeniesByAsg)
        {
            // The deny names the endpoint's ASG, not an address: only NIC membership tells that it applies.
            var deny = Parse(Rule(PeNsgId, "Deny-Https-To-AI-Asg", 200, "Inbound", "Deny", "Tcp", "*", "", "443"));
            deny["properties"]!["destinationApplicationSecurityGroups"] = new JsonArray(new JsonObject { ["id"] = AsgId });
            ((JsonArray)peNsg["properties"]!["securityRules"]!).Insert(0, deny);
            store.Put(Parse($$"""{ "id": "{{AsgId}}", "name": "asg-openai-pe", "type": "Microsoft.Network/applicationSecurityGroups", "location": "eastus", "properties": { "provisioningState": "Succeeded" } }"""));
            var pe = store.Get(PrivateEndpointId)!;
            pe["properties"]!["applicationSecurityGroups"] = new JsonArray(new JsonObject { ["id"] = AsgId });
        }

        store.Put(peNsg);
        store.Put(AppNsg());
        var routeAll = scenario != PrivateEndpointScenario.AppServiceWithoutRouteAll;
        store.Put(Site(routeAll));
        store.Put(SiteConfig(routeAll));
        var endpointSetting = scenario switch
        {
            PrivateEndpointScenario.AppSettingsWrongEndpoint => RegionalPublicEndpoint,
            PrivateEndpointScenario.AppSettingsKeyVaultReference => "@Microsoft.KeyVault(SecretUri=https://kv-kt.vault.azure.net/secrets/openai-endpoint/)",
            _ => EndpointUrl,
        };
        store.Put(AppSettings(AppSettingsId, endpointSetting));
        store.Put(ConnectionStrings(ConnectionStringsId));
        store.Put(Slot());
        store.Put(AppSettings(StagingSlotId + "/config/appsettings", EndpointUrl));
        store.Put(ConnectionStrings(StagingSlotId + "/config/connectionstrings"));

        if (publicAccess)
        {
            return store;
        }

        store.Put(Zone());
        store.Put(Link(HubLinkId, HubVnetId));
        if (scenario != PrivateEndpointScenario.ZoneLinkedToHubOnly)
        {
            store.Put(Link(SpokeLinkId, SpokeVnetId));
        }

        if (scenario == PrivateEndpointScenario.NoZoneGroup)
        {
            return store;
        }

        var recordIp = scenario == PrivateEndpointScenario.StaleARecord ? StaleIp : PrivateIp;
        store.Put(ZoneGroup(recordIp));
        store.Put(ARecord(recordIp));
        return store;
    }

    /// <summary>
    /// Adds a second, approved private endpoint to the same account in another region's VNet (the seed's several
    /// regional endpoints), listed first among the account's connections, with its own NIC address.
    /// </summary>
    public void AddOtherRegionEndpoint(ArmResourceStore store, string privateIp = "127.30.0.4")
    {
        var sub = NetworkSubscription;
        var peId = $"/subscriptions/{sub}/resourceGroups/rg-ai-weu/providers/Microsoft.Network/privateEndpoints/pe-openai-westeurope";
        var nicId = $"/subscriptions/{sub}/resourceGroups/rg-ai-weu/providers/Microsoft.Network/networkInterfaces/pe-openai-westeurope.nic.0c1d2e3f";
        var vnetId = $"/subscriptions/{sub}/resourceGroups/rg-networking-weu/providers/Microsoft.Network/virtualNetworks/weu-vnet";
        var subnetId = vnetId + "/subnets/snet-private-endpoints";
        var pe = PrivateEndpoint(pending: false);
        pe["id"] = peId;
        pe["name"] = "pe-openai-westeurope";
        pe["location"] = "westeurope";
        pe["properties"]!["subnet"]!["id"] = subnetId;
        pe["properties"]!["networkInterfaces"]![0]!["id"] = nicId;
        pe["properties"]!["customDnsConfigs"]![0]!["ipAddresses"]![0] = privateIp;
        store.Put(pe);
        var nic = Nic();
        nic["id"] = nicId;
        nic["name"] = "pe-openai-westeurope.nic.0c1d2e3f";
        nic["properties"]!["ipConfigurations"]![0]!["properties"]!["privateIPAddress"] = privateIp;
        nic["properties"]!["ipConfigurations"]![0]!["properties"]!["subnet"]!["id"] = subnetId;
        store.Put(nic);
        var account = store.Get(AccountId)!;
        var connections = (JsonArray)account["properties"]!["privateEndpointConnections"]!;
        var other = connections[0]!.DeepClone();
        other["id"] = AccountId + "/privateEndpointConnections/pe-openai-westeurope.2b3c4d5e";
        other["name"] = "pe-openai-westeurope.2b3c4d5e";
        other["properties"]!["privateEndpoint"]!["id"] = peId;
        connections.Insert(0, other);
    }

    /// <summary>What DNS answers for the account's FQDN in a scenario, as a resolver in the app's (spoke) VNet sees it.</summary>
    public DnsmasqZone BuildDns(PrivateEndpointScenario scenario) => BuildDns(BuildStore(scenario));

    /// <summary>
    /// Azure DNS as the spoke VNet sees it, derived from the ARM state: public DNS always hands out the privatelink
    /// CNAME; if the private zone is linked to the spoke, its A record answers (NXDOMAIN when there is none),
    /// otherwise the public address does. Regenerate after a repair to see its effect.
    /// </summary>
    public DnsmasqZone BuildDns(ArmResourceStore store) => AddDns(new DnsmasqZone().AuthoritativeFor("openai.azure.com"), store);

    /// <summary>Adds this account's answers to <paramref name="zone"/> (several accounts share one dnsmasq in fleet tests).</summary>
    public DnsmasqZone AddDns(DnsmasqZone zone, ArmResourceStore store)
    {
        if (store.Get(AccountId)?["properties"]?["privateEndpointConnections"] is JsonArray { Count: 0 })
        {
            // No private endpoint: public DNS has no privatelink CNAME and answers the public address.
            return zone.A(Fqdn, PublicIp);
        }

        var linkedToSpoke = store.Get(ZoneId) is not null && store.Children(ZoneId + "/virtualNetworkLinks").Any(l =>
            string.Equals(l["properties"]?["virtualNetwork"]?["id"]?.GetValue<string>(), SpokeVnetId, StringComparison.OrdinalIgnoreCase));
        if (!linkedToSpoke)
        {
            return zone.Cname(Fqdn, PrivatelinkFqdn).A(PrivatelinkFqdn, PublicIp);
        }

        var address = store.Get(ARecordId)?["properties"]?["aRecords"]?[0]?["ipv4Address"]?.GetValue<string>();
        return address is null
            ? zone // Linked zone without the record: NXDOMAIN, as Azure DNS answers.
            : zone.Cname(Fqdn, PrivatelinkFqdn).A(PrivatelinkFqdn, address);
    }

    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    private JsonObject Account(bool pending, bool publicAccess) => Parse($$"""
    {
      "id": "{{AccountId}}",
      "name": "{{AccountName}}",
      "type": "Microsoft.CognitiveServices/accounts",
      "etag": "\"0d00a0a4-0000-0100-0000-6740b1f00000\"",
      "location": "eastus",
      "kind": "OpenAI",
      "sku": { "name": "S0" },
      "identity": { "type": "None" },
      "properties": {
        "endpoint": "https://{{AccountName}}.openai.azure.com/",
        "internalId": "f3b9a2c1d4e5f60718293a4b5c6d7e8f",
        "dateCreated": "2024-11-20T09:12:33.4122511Z",
        "customSubDomainName": "{{AccountName}}",
        "provisioningState": "Succeeded",
        "publicNetworkAccess": "{{(publicAccess ? "Enabled" : "Disabled")}}",
        "networkAcls": { "defaultAction": "{{(publicAccess ? "Allow" : "Deny")}}", "virtualNetworkRules": [], "ipRules": [] },
        "disableLocalAuth": true,
        "privateEndpointConnections": [
          {
            "id": "{{AccountId}}/privateEndpointConnections/{{PrivateEndpointName}}.5d8e2c41-3b7a-4f0e-a1c9-0e4f6b7d8a91",
            "name": "{{PrivateEndpointName}}.5d8e2c41-3b7a-4f0e-a1c9-0e4f6b7d8a91",
            "type": "Microsoft.CognitiveServices/accounts/privateEndpointConnections",
            "location": "eastus",
            "properties": {
              "provisioningState": "Succeeded",
              "privateEndpoint": { "id": "{{PrivateEndpointId}}" },
              "groupIds": [ "account" ],
              "privateLinkServiceConnectionState": {
                "status": "{{(pending ? "Pending" : "Approved")}}",
                "description": "{{(pending ? "Please approve: KeepTrusts gateway" : "Auto-Approved")}}",
                "actionsRequired": "None"
              }
            }
          }
        ]
      }
    }
    """);

    private JsonObject PrivateEndpoint(bool pending)
    {
        var connection = $$"""
        {
          "name": "{{PrivateEndpointName}}",
          "id": "{{PrivateEndpointId}}/privateLinkServiceConnections/{{PrivateEndpointName}}",
          "etag": "W/\"8c6b1d2e-4f5a-4b3c-9d8e-7f6a5b4c3d2e\"",
          "type": "Microsoft.Network/privateEndpoints/privateLinkServiceConnections",
          "properties": {
            "provisioningState": "Succeeded",
            "privateLinkServiceId": "{{AccountId}}",
            "groupIds": [ "account" ],
            "privateLinkServiceConnectionState": {
              "status": "{{(pending ? "Pending" : "Approved")}}",
              "description": "{{(pending ? "Please approve: KeepTrusts gateway" : "Auto-Approved")}}",
              "actionsRequired": "None"
            }
          }
        }
        """;
        return Parse($$"""
        {
          "name": "{{PrivateEndpointName}}",
          "id": "{{PrivateEndpointId}}",
          "etag": "W/\"8c6b1d2e-4f5a-4b3c-9d8e-7f6a5b4c3d2e\"",
          "type": "Microsoft.Network/privateEndpoints",
          "location": "eastus",
          "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
            "privateLinkServiceConnections": [ {{(pending ? "" : connection)}} ],
            "manualPrivateLinkServiceConnections": [ {{(pending ? connection : "")}} ],
            "customNetworkInterfaceName": "",
            "subnet": { "id": "{{PeSubnetId}}" },
            "ipConfigurations": [],
            "networkInterfaces": [ { "id": "{{NicId}}" } ],
            "customDnsConfigs": [ { "fqdn": "{{Fqdn}}", "ipAddresses": [ "{{PrivateIp}}" ] } ]
          }
        }
        """);
    }

    private JsonObject Nic() => Parse($$"""
    {
      "name": "{{NicName}}",
      "id": "{{NicId}}",
      "etag": "W/\"2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d\"",
      "type": "Microsoft.Network/networkInterfaces",
      "location": "eastus",
      "kind": "Regular",
      "properties": {
        "provisioningState": "Succeeded",
        "resourceGuid": "9a8b7c6d-5e4f-4321-8fed-cba987654321",
        "ipConfigurations": [
          {
            "name": "privateEndpointIpConfig.6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
            "id": "{{NicId}}/ipConfigurations/privateEndpointIpConfig.6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
            "type": "Microsoft.Network/networkInterfaces/ipConfigurations",
            "properties": {
              "provisioningState": "Succeeded",
              "privateIPAddress": "{{PrivateIp}}",
              "privateIPAllocationMethod": "Dynamic",
              "subnet": { "id": "{{PeSubnetId}}" },
              "primary": true,
              "privateIPAddressVersion": "IPv4",
              "privateLinkConnectionProperties": {
                "groupId": "account",
                "requiredMemberName": "default",
                "fqdns": [ "{{Fqdn}}" ]
              }
            }
          }
        ],
        "dnsSettings": { "dnsServers": [], "appliedDnsServers": [] },
        "enableAcceleratedNetworking": false,
        "enableIPForwarding": false,
        "privateEndpoint": { "id": "{{PrivateEndpointId}}" },
        "nicType": "Standard"
      }
    }
    """);

    private JsonObject HubVnet() => Parse($$"""
    {
      "name": "{{HubVnetName}}",
      "id": "{{HubVnetId}}",
      "etag": "W/\"3b4c5d6e-7f8a-4b9c-8d0e-1f2a3b4c5d6e\"",
      "type": "Microsoft.Network/virtualNetworks",
      "location": "eastus",
      "properties": {
        "provisioningState": "Succeeded",
        "resourceGuid": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "addressSpace": { "addressPrefixes": [ "{{HubAddressSpace}}" ] },
        "subnets": [ { "id": "{{PeSubnetId}}", "name": "{{PeSubnetName}}" } ],
        "virtualNetworkPeerings": [
          {
            "name": "hub-to-spoke",
            "id": "{{HubVnetId}}/virtualNetworkPeerings/hub-to-spoke",
            "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
            "properties": {
              "provisioningState": "Succeeded",
              "peeringState": "Connected",
              "peeringSyncLevel": "FullyInSync",
              "remoteVirtualNetwork": { "id": "{{SpokeVnetId}}" },
              "allowVirtualNetworkAccess": true,
              "allowForwardedTraffic": true,
              "allowGatewayTransit": false,
              "useRemoteGateways": false,
              "remoteAddressSpace": { "addressPrefixes": [ "{{SpokeAddressSpace}}" ] }
            }
          }
        ],
        "enableDdosProtection": false
      }
    }
    """);

    private JsonObject SpokeVnet() => Parse($$"""
    {
      "name": "{{SpokeVnetName}}",
      "id": "{{SpokeVnetId}}",
      "etag": "W/\"4c5d6e7f-8a9b-4c0d-9e1f-2a3b4c5d6e7f\"",
      "type": "Microsoft.Network/virtualNetworks",
      "location": "eastus",
      "properties": {
        "provisioningState": "Succeeded",
        "addressSpace": { "addressPrefixes": [ "{{SpokeAddressSpace}}" ] },
        "subnets": [ { "id": "{{AppSubnetId}}", "name": "{{AppSubnetName}}" } ],
        "virtualNetworkPeerings": [
          {
            "name": "spoke-to-hub",
            "id": "{{SpokeVnetId}}/virtualNetworkPeerings/spoke-to-hub",
            "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
            "properties": {
              "provisioningState": "Succeeded",
              "peeringState": "Connected",
              "remoteVirtualNetwork": { "id": "{{HubVnetId}}" },
              "allowVirtualNetworkAccess": true,
              "allowForwardedTraffic": true,
              "useRemoteGateways": false,
              "remoteAddressSpace": { "addressPrefixes": [ "{{HubAddressSpace}}" ] }
            }
          }
        ]
      }
    }
    """);

    private static JsonObject Subnet(string id, string name, string prefix, string nsgId, string peNetworkPolicies, bool delegated) => Parse($$"""
    {
      "name": "{{name}}",
      "id": "{{id}}",
      "etag": "W/\"5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a\"",
      "type": "Microsoft.Network/virtualNetworks/subnets",
      "properties": {
        "provisioningState": "Succeeded",
        "addressPrefix": "{{prefix}}",
        "networkSecurityGroup": { "id": "{{nsgId}}" },
        "delegations": [ {{(delegated ? """{ "name": "delegation", "id": "{{id}}/delegations/delegation", "properties": { "serviceName": "Microsoft.Web/serverFarms", "actions": [ "Microsoft.Network/virtualNetworks/subnets/action" ] } }""".Replace("{{id}}", id) : "")}} ],
        "privateEndpointNetworkPolicies": "{{peNetworkPolicies}}",
        "privateLinkServiceNetworkPolicies": "Enabled"
      }
    }
    """);

    private JsonObject PeNsg(bool denyHttps)
    {
        var rules = denyHttps
            ? $$"""
              {{Rule(PeNsgId, "Deny-Https-Inbound", 200, "Inbound", "Deny", "Tcp", "*", "*", "443")}},
              {{Rule(PeNsgId, "Allow-App-To-PE-443", 300, "Inbound", "Allow", "Tcp", AppSubnetPrefix, PeSubnetPrefix, "443")}}
              """
            : Rule(PeNsgId, "Allow-App-To-PE-443", 300, "Inbound", "Allow", "Tcp", AppSubnetPrefix, PeSubnetPrefix, "443");
        return Nsg(PeNsgId, PeNsgName, rules, PeSubnetId);
    }

    private JsonObject AppNsg() => Nsg(AppNsgId, AppNsgName, string.Empty, AppSubnetId);

    private static JsonObject Nsg(string id, string name, string rules, string subnetId) => Parse($$"""
    {
      "name": "{{name}}",
      "id": "{{id}}",
      "etag": "W/\"6e7f8a9b-0c1d-4e2f-9a3b-4c5d6e7f8a9b\"",
      "type": "Microsoft.Network/networkSecurityGroups",
      "location": "eastus",
      "properties": {
        "provisioningState": "Succeeded",
        "resourceGuid": "7f8a9b0c-1d2e-4f3a-8b4c-5d6e7f8a9b0c",
        "securityRules": [ {{rules}} ],
        "defaultSecurityRules": [
          {{Rule(id, "AllowVnetInBound", 65000, "Inbound", "Allow", "*", "VirtualNetwork", "VirtualNetwork", "*", "defaultSecurityRules")}},
          {{Rule(id, "AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "*", "AzureLoadBalancer", "*", "*", "defaultSecurityRules")}},
          {{Rule(id, "DenyAllInBound", 65500, "Inbound", "Deny", "*", "*", "*", "*", "defaultSecurityRules")}},
          {{Rule(id, "AllowVnetOutBound", 65000, "Outbound", "Allow", "*", "VirtualNetwork", "VirtualNetwork", "*", "defaultSecurityRules")}},
          {{Rule(id, "AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "*", "Internet", "*", "defaultSecurityRules")}},
          {{Rule(id, "DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*", "*", "*", "defaultSecurityRules")}}
        ],
        "subnets": [ { "id": "{{subnetId}}" } ]
      }
    }
    """);

    private static string Rule(string nsgId, string name, int priority, string direction, string access, string protocol,
        string source, string destination, string destinationPort, string collection = "securityRules") => $$"""
        {
          "name": "{{name}}",
          "id": "{{nsgId}}/{{collection}}/{{name}}",
          "etag": "W/\"8a9b0c1d-2e3f-4a4b-9c5d-6e7f8a9b0c1d\"",
          "type": "Microsoft.Network/networkSecurityGroups/{{collection}}",
          "properties": {
            "provisioningState": "Succeeded",
            "protocol": "{{protocol}}",
            "sourcePortRange": "*",
            "destinationPortRange": "{{destinationPort}}",
            "sourceAddressPrefix": "{{source}}",
            "destinationAddressPrefix": "{{destination}}",
            "access": "{{access}}",
            "priority": {{priority}},
            "direction": "{{direction}}",
            "sourcePortRanges": [],
            "destinationPortRanges": [],
            "sourceAddressPrefixes": [],
            "destinationAddressPrefixes": []
          }
        }
        """;

    private JsonObject Site(bool routeAll) => Parse($$"""
    {
      "id": "{{AppId}}",
      "name": "{{AppName}}",
      "type": "Microsoft.Web/sites",
      "kind": "app,linux",
      "location": "East US",
      "properties": {
        "name": "{{AppName}}",
        "state": "Running",
        "hostNames": [ "{{AppName}}.azurewebsites.net" ],
        "defaultHostName": "{{AppName}}.azurewebsites.net",
        "enabled": true,
        "serverFarmId": "/subscriptions/{{AppSubscription}}/resourceGroups/{{AppResourceGroup}}/providers/Microsoft.Web/serverfarms/asp-kt",
        "siteConfig": { "numberOfWorkers": 1, "linuxFxVersion": "DOTNETCORE|8.0", "vnetRouteAllEnabled": null },
        "virtualNetworkSubnetId": "{{AppSubnetId}}",
        "vnetRouteAllEnabled": {{(routeAll ? "true" : "false")}},
        "vnetImagePullEnabled": false,
        "vnetContentShareEnabled": false,
        "httpsOnly": true,
        "publicNetworkAccess": "Enabled"
      }
    }
    """);

    private JsonObject SiteConfig(bool routeAll) => Parse($$"""
    {
      "id": "{{AppId}}/config/web",
      "name": "{{AppName}}",
      "type": "Microsoft.Web/sites/config",
      "location": "East US",
      "properties": {
        "numberOfWorkers": 1,
        "linuxFxVersion": "DOTNETCORE|8.0",
        "vnetName": "{{Guid.Empty}}_{{AppSubnetName}}",
        "vnetRouteAllEnabled": {{(routeAll ? "true" : "false")}},
        "vnetPrivatePortsCount": 0,
        "publicNetworkAccess": "Enabled",
        "minTlsVersion": "1.2",
        "ftpsState": "FtpsOnly"
      }
    }
    """);

    /// <summary>The resolver, firewall and ruleset a DNS scenario needs, in the shapes of api-versions 2022-07-01 and 2024-05-01.</summary>
    private void AddDnsInfrastructure(ArmResourceStore store, PrivateEndpointScenario scenario)
    {
        switch (scenario)
        {
            case PrivateEndpointScenario.PrivateResolverZoneNotLinked:
                store.Put(Parse($$"""
                { "id": "{{DnsVnetId}}", "name": "dns-vnet", "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
                  "properties": { "addressSpace": { "addressPrefixes": [ "127.10.5.0/24" ] }, "subnets": [ { "id": "{{DnsVnetId}}/subnets/snet-inbound", "name": "snet-inbound" } ] } }
                """));
                store.Put(Parse($$"""
                { "id": "{{ResolverId}}", "name": "dnspr-hub", "type": "Microsoft.Network/dnsResolvers", "location": "eastus",
                  "properties": { "virtualNetwork": { "id": "{{DnsVnetId}}" }, "dnsResolverState": "Connected", "provisioningState": "Succeeded", "resourceGuid": "b6a1d7e2-0000-4000-8000-000000000001" } }
                """));
                store.Put(Parse($$"""
                { "id": "{{ResolverId}}/inboundEndpoints/inbound", "name": "inbound", "type": "Microsoft.Network/dnsResolvers/inboundEndpoints", "location": "eastus",
                  "properties": { "ipConfigurations": [ { "subnet": { "id": "{{DnsVnetId}}/subnets/snet-inbound" }, "privateIpAddress": "{{ResolverInboundIp}}", "privateIpAllocationMethod": "Static" } ], "provisioningState": "Succeeded" } }
                """));
                break;
            case PrivateEndpointScenario.RulesetForwardsElsewhere:
                store.Put(Parse($$"""
                { "id": "{{RulesetId}}", "name": "ruleset-onprem", "type": "Microsoft.Network/dnsForwardingRulesets", "location": "eastus",
                  "properties": { "dnsResolverOutboundEndpoints": [ { "id": "{{ResolverId}}/outboundEndpoints/outbound" } ], "provisioningState": "Succeeded" } }
                """));
                store.Put(Parse($$"""
                { "id": "{{RulesetId}}/virtualNetworkLinks/link-spoke", "name": "link-spoke", "type": "Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks",
                  "properties": { "virtualNetwork": { "id": "{{SpokeVnetId}}" }, "metadata": {}, "provisioningState": "Succeeded" } }
                """));
                store.Put(Parse($$"""
                { "id": "{{RulesetId}}/forwardingRules/openai-to-onprem", "name": "openai-to-onprem", "type": "Microsoft.Network/dnsForwardingRulesets/forwardingRules",
                  "properties": { "domainName": "openai.azure.com.", "targetDnsServers": [ { "ipAddress": "192.0.2.53", "port": 53 } ], "forwardingRuleState": "Enabled", "provisioningState": "Succeeded" } }
                """));
                store.Put(Parse($$"""
                { "id": "{{RulesetId}}/forwardingRules/contoso", "name": "contoso", "type": "Microsoft.Network/dnsForwardingRulesets/forwardingRules",
                  "properties": { "domainName": "contoso.com.", "targetDnsServers": [ { "ipAddress": "192.0.2.53", "port": 53 } ], "forwardingRuleState": "Enabled", "provisioningState": "Succeeded" } }
                """));
                break;
            case PrivateEndpointScenario.UdrToFirewallDenied or PrivateEndpointScenario.UdrToFirewallAllowed:
                AddDnsInfrastructure(store, PrivateEndpointScenario.FirewallDnsProxy);
                var allowOpenAi = scenario == PrivateEndpointScenario.UdrToFirewallAllowed
                    ? $$"""
                      , { "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "name": "allow-openai", "priority": 200, "action": { "type": "Allow" },
                        "rules": [ { "ruleType": "NetworkRule", "name": "app-to-openai-443", "ipProtocols": [ "TCP" ], "sourceAddresses": [ "{{AppSubnetPrefix}}" ],
                                     "destinationAddresses": [ "{{PrivateIp}}" ], "destinationPorts": [ "443" ], "sourceIpGroups": [], "destinationIpGroups": [], "destinationFqdns": [] } ] }
                      """
                    : string.Empty;
                store.Put(Parse($$"""
                { "id": "{{FirewallPolicyId}}/ruleCollectionGroups/rcg-spoke", "name": "rcg-spoke", "type": "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
                  "properties": { "priority": 200, "provisioningState": "Succeeded", "ruleCollections": [
                      { "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "name": "allow-dns", "priority": 100, "action": { "type": "Allow" },
                        "rules": [ { "ruleType": "NetworkRule", "name": "dns", "ipProtocols": [ "UDP" ], "sourceAddresses": [ "127.20.0.0/16" ],
                                     "destinationAddresses": [ "*" ], "destinationPorts": [ "53" ], "sourceIpGroups": [], "destinationIpGroups": [], "destinationFqdns": [] } ] }{{allowOpenAi}}
                  ] } }
                """));
                break;
            case PrivateEndpointScenario.FirewallDnsProxy:
                store.Put(Parse($$"""
                { "id": "{{FirewallPolicyId}}", "name": "afwp-hub", "type": "Microsoft.Network/firewallPolicies", "location": "eastus",
                  "properties": { "sku": { "tier": "Standard" }, "threatIntelMode": "Alert", "dnsSettings": { "servers": [], "enableProxy": true }, "provisioningState": "Succeeded" } }
                """));
                store.Put(Parse($$"""
                { "id": "{{FirewallId}}", "name": "afw-hub", "type": "Microsoft.Network/azureFirewalls", "location": "eastus",
                  "properties": { "sku": { "name": "AZFW_VNet", "tier": "Standard" }, "firewallPolicy": { "id": "{{FirewallPolicyId}}" },
                    "ipConfigurations": [ { "name": "ipconfig", "id": "{{FirewallId}}/azureFirewallIpConfigurations/ipconfig",
                      "properties": { "privateIPAddress": "{{FirewallIp}}", "subnet": { "id": "{{HubVnetId}}/subnets/AzureFirewallSubnet" } } } ],
                    "additionalProperties": {}, "provisioningState": "Succeeded" } }
                """));
                break;
        }
    }

    private JsonObject RouteTable(string nextHop) => Parse($$"""
    {
      "id": "{{RouteTableId}}", "name": "rt-app", "type": "Microsoft.Network/routeTables", "location": "eastus",
      "properties": {
        "provisioningState": "Succeeded",
        "disableBgpRoutePropagation": true,
        "routes": [
          { "id": "{{RouteTableId}}/routes/hub-via-firewall", "name": "hub-via-firewall", "type": "Microsoft.Network/routeTables/routes",
            "properties": { "provisioningState": "Succeeded", "addressPrefix": "{{HubAddressSpace}}", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "{{nextHop}}", "hasBgpOverride": false } },
          { "id": "{{RouteTableId}}/routes/default-via-firewall", "name": "default-via-firewall", "type": "Microsoft.Network/routeTables/routes",
            "properties": { "provisioningState": "Succeeded", "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "{{nextHop}}", "hasBgpOverride": false } }
        ],
        "subnets": [ { "id": "{{AppSubnetId}}" } ]
      }
    }
    """);

    private static JsonObject AppSettings(string id, string endpoint) => Parse($$"""
    {
      "id": "{{id}}",
      "name": "appsettings",
      "type": "Microsoft.Web/sites/config",
      "location": "East US",
      "properties": {
        "AZURE_OPENAI_ENDPOINT": "{{endpoint}}",
        "AZURE_OPENAI_API_KEY": "{{SecretText}}",
        "AZURE_OPENAI_DEPLOYMENT": "gpt-4o",
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://eastus-8.in.applicationinsights.azure.com/",
        "WEBSITE_RUN_FROM_PACKAGE": "1"
      }
    }
    """);

    private static JsonObject ConnectionStrings(string id) => Parse($$"""
    {
      "id": "{{id}}",
      "name": "connectionstrings",
      "type": "Microsoft.Web/sites/config",
      "location": "East US",
      "properties": {
        "Sql": { "value": "Server=tcp:sql-kt.database.windows.net,1433;Database=kt;User ID=kt;Password={{SecretText}};Encrypt=true", "type": "SQLAzure" }
      }
    }
    """);

    private JsonObject Slot() => Parse($$"""
    {
      "id": "{{StagingSlotId}}",
      "name": "{{AppName}}/staging",
      "type": "Microsoft.Web/sites/slots",
      "kind": "app,linux",
      "location": "East US",
      "properties": { "state": "Running", "defaultHostName": "{{AppName}}-staging.azurewebsites.net", "virtualNetworkSubnetId": "{{AppSubnetId}}" }
    }
    """);

    private JsonObject Zone() => Parse($$"""
    {
      "id": "{{ZoneId}}",
      "name": "{{ZoneName}}",
      "type": "Microsoft.Network/privateDnsZones",
      "etag": "9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b",
      "location": "global",
      "tags": {},
      "properties": {
        "maxNumberOfRecordSets": 25000,
        "maxNumberOfVirtualNetworkLinks": 1000,
        "maxNumberOfVirtualNetworkLinksWithRegistration": 100,
        "numberOfRecordSets": 2,
        "numberOfVirtualNetworkLinks": 2,
        "numberOfVirtualNetworkLinksWithRegistration": 0,
        "provisioningState": "Succeeded",
        "internalId": "SW1tdXRhYmxlWm9uZTsw"
      }
    }
    """);

    private static JsonObject Link(string id, string vnetId) => Parse($$"""
    {
      "id": "{{id}}",
      "name": "{{id.Split('/').Last()}}",
      "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
      "etag": "\"0a1b2c3d-0000-0100-0000-6740b1f00000\"",
      "location": "global",
      "properties": {
        "provisioningState": "Succeeded",
        "registrationEnabled": false,
        "resolutionPolicy": "Default",
        "virtualNetwork": { "id": "{{vnetId}}" },
        "virtualNetworkLinkState": "Completed"
      }
    }
    """);

    private JsonObject ZoneGroup(string ip) => Parse($$"""
    {
      "name": "default",
      "id": "{{ZoneGroupId}}",
      "etag": "W/\"1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e\"",
      "properties": {
        "provisioningState": "Succeeded",
        "privateDnsZoneConfigs": [
          {
            "name": "privatelink-openai-azure-com",
            "id": "{{ZoneGroupId}}/privateDnsZoneConfigs/privatelink-openai-azure-com",
            "properties": {
              "privateDnsZoneId": "{{ZoneId}}",
              "recordSets": [
                {
                  "recordType": "A",
                  "recordSetName": "{{AccountName}}",
                  "fqdn": "{{PrivatelinkFqdn}}",
                  "provisioningState": "Succeeded",
                  "ttl": 10,
                  "ipAddresses": [ "{{ip}}" ]
                }
              ]
            }
          }
        ]
      }
    }
    """);

    private JsonObject ARecord(string ip) => Parse($$"""
    {
      "id": "{{ARecordId}}",
      "name": "{{AccountName}}",
      "type": "Microsoft.Network/privateDnsZones/A",
      "etag": "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
      "properties": {
        "metadata": { "creator": "created by private endpoint {{PrivateEndpointName}} with resource guid 1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9" },
        "ttl": 10,
        "fqdn": "{{PrivatelinkFqdn}}.",
        "isAutoRegistered": false,
        "aRecords": [ { "ipv4Address": "{{ip}}" } ]
      }
    }
    """);
}
