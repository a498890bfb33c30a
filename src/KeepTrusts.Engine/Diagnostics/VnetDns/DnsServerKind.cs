namespace KeepTrusts.Engine.Diagnostics.VnetDns;

/// <summary>What answers at an address a VNet's dhcpOptions.dnsServers names, as far as ARM shows.</summary>
internal enum DnsServerKind
{
    AzureProvided,
    PrivateResolverInbound,
    FirewallDnsProxy,
    FirewallWithoutProxy,
    Unknown,
}
