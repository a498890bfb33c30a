namespace KeepTrusts.Engine.Diagnostics;

/// <summary>Stable check ids, in the order of the seed's diagnostic checklist (DNS, connection, routing, NSG, TLS, SDK).</summary>
public static class PrivateEndpointCheckIds
{
    public const string DnsResolution = "Dns.Resolution";
    public const string DnsPrivatelinkCname = "Dns.PrivatelinkCname";
    public const string DnsPrivateIp = "Dns.PrivateIp";
    public const string DnsZone = "Dns.Zone";
    public const string DnsZoneLinks = "Dns.ZoneLinks";
    public const string DnsZoneGroup = "Dns.ZoneGroup";
    public const string DnsARecord = "Dns.ARecord";
    public const string DnsVnetServers = "Dns.VnetServers";
    public const string DnsForwarding = "Dns.Forwarding";
    public const string PrivateEndpointConnection = "PrivateEndpoint.Connection";
    public const string AccountNetwork = "Account.Network";
    public const string AppServiceRouteAll = "AppService.RouteAll";
    public const string RoutePath = "Route.Path";
    public const string SubnetNetworkPolicies = "Subnet.NetworkPolicies";
    public const string NsgAllow443 = "Nsg.Allow443";
    public const string TlsHandshake = "Tls.Handshake";
    public const string AppServiceSettings = "AppService.Settings";
    public const string SdkEndpoint = "Sdk.Endpoint";

    public static readonly IReadOnlyList<string> InOrder =
    [
        DnsResolution, DnsPrivatelinkCname, DnsPrivateIp, DnsZone, DnsZoneLinks, DnsZoneGroup, DnsARecord, DnsVnetServers, DnsForwarding,
        PrivateEndpointConnection, AccountNetwork, AppServiceRouteAll, RoutePath, SubnetNetworkPolicies, NsgAllow443, TlsHandshake, AppServiceSettings, SdkEndpoint,
    ];
}
