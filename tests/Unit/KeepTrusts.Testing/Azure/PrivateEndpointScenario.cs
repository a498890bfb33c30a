namespace KeepTrusts.Testing.Azure;

/// <summary>The broken (and one healthy) private-endpoint set-ups the fakes can serve, after the seed's four failure modes.</summary>
public enum PrivateEndpointScenario
{
    Healthy,

    /// <summary>Gotcha 1, the most common mistake: the zone is linked to the hub VNet but not the app's spoke.</summary>
    ZoneLinkedToHubOnly,

    /// <summary>Gotcha 1: zone and links exist but the endpoint has no DNS zone group, so no A record exists (NXDOMAIN).</summary>
    NoZoneGroup,

    /// <summary>Gotcha 1: the endpoint was recreated with a new IP; the A record still holds the old one.</summary>
    StaleARecord,

    /// <summary>Gotcha 1: public network access is on and there is no private DNS at all; the name resolves to a public IP.</summary>
    PublicAccessNoDns,

    /// <summary>Gotcha 2: the App Service is VNet-integrated but does not route all outbound traffic through the VNet.</summary>
    AppServiceWithoutRouteAll,

    /// <summary>Gotcha 3: network policies are enabled on the PE subnet and its NSG denies 443.</summary>
    NsgDeniesHttps,

    /// <summary>The private-link connection is waiting for manual approval.</summary>
    ConnectionPending,

    /// <summary>The account has public network access and no private endpoint at all; public DNS answers its public IP directly.</summary>
    NoPrivateEndpoint,

    /// <summary>Gotcha 4 in the app itself: its AZURE_OPENAI_ENDPOINT is the regional public endpoint, not the account's FQDN.</summary>
    AppSettingsWrongEndpoint,

    /// <summary>The app's AZURE_OPENAI_ENDPOINT is a Key Vault reference: reported as such (a warning), never resolved.</summary>
    AppSettingsKeyVaultReference,

    /// <summary>The spoke's DNS server is a custom VM: what it forwards cannot be seen from ARM (a warning naming the query that settles it).</summary>
    CustomDnsVm,

    /// <summary>The spoke uses a DNS Private Resolver inbound endpoint in dns-vnet, and the zone is not linked to dns-vnet.</summary>
    PrivateResolverZoneNotLinked,

    /// <summary>A forwarding ruleset linked to the spoke sends openai.azure.com to an on-premises DNS server.</summary>
    RulesetForwardsElsewhere,

    /// <summary>The spoke uses the hub's Azure Firewall with DNS proxy on (policy), forwarding to Azure DNS from the linked hub: healthy.</summary>
    FirewallDnsProxy,

    /// <summary>A UDR on the app subnet sends the hub range through Azure Firewall, whose policy has no rule for TCP 443 to the endpoint.</summary>
    UdrToFirewallDenied,

    /// <summary>The same route, and a Firewall Policy network rule allows TCP 443 from the app subnet to the endpoint.</summary>
    UdrToFirewallAllowed,

    /// <summary>The UDR's next hop is a virtual appliance that is not an Azure Firewall: not judgeable from ARM (a warning).</summary>
    UdrToUnknownAppliance,

    /// <summary>Gotcha 3 through an application security group: network policies on, and the NSG denies 443 to the ASG the endpoint is in.</summary>
    NsgDeniesByAsg,
}
