namespace KeepTrusts.Testing.Azure;

/// <summary>
/// The checks each scenario must fail — exactly these, comma-separated in checklist order — shared by the engine's
/// report tests and the module's cmdlet tests so both hold the diagnostics to one expectation.
/// </summary>
public static class PrivateEndpointScenarioFailures
{
    /// <summary>Theory rows: (scenario, expected failing check ids).</summary>
    public static IEnumerable<object[]> Rows =>
    [
        [PrivateEndpointScenario.Healthy, ""],
        [PrivateEndpointScenario.ZoneLinkedToHubOnly, "Dns.PrivateIp,Dns.ZoneLinks"],
        [PrivateEndpointScenario.NoZoneGroup, "Dns.Resolution,Dns.ZoneGroup,Dns.ARecord"],
        [PrivateEndpointScenario.StaleARecord, "Dns.PrivateIp,Dns.ARecord"],
        [PrivateEndpointScenario.PublicAccessNoDns, "Dns.PrivateIp,Dns.Zone,Dns.ZoneGroup"],
        [PrivateEndpointScenario.AppServiceWithoutRouteAll, "AppService.RouteAll"],
        [PrivateEndpointScenario.NsgDeniesHttps, "Subnet.NetworkPolicies,Nsg.Allow443"],
        [PrivateEndpointScenario.ConnectionPending, "PrivateEndpoint.Connection"],
        [PrivateEndpointScenario.NoPrivateEndpoint, "PrivateEndpoint.Connection"],
        [PrivateEndpointScenario.AppSettingsWrongEndpoint, "AppService.Settings"],
        [PrivateEndpointScenario.AppSettingsKeyVaultReference, ""],
        [PrivateEndpointScenario.CustomDnsVm, ""],
        [PrivateEndpointScenario.PrivateResolverZoneNotLinked, "Dns.VnetServers"],
        [PrivateEndpointScenario.RulesetForwardsElsewhere, "Dns.Forwarding"],
        [PrivateEndpointScenario.FirewallDnsProxy, ""],
        [PrivateEndpointScenario.UdrToFirewallDenied, "Route.Path"],
        [PrivateEndpointScenario.UdrToFirewallAllowed, ""],
        [PrivateEndpointScenario.UdrToUnknownAppliance, ""],
        [PrivateEndpointScenario.NsgDeniesByAsg, "Subnet.NetworkPolicies,Nsg.Allow443"],
    ];
}
