using System.Text.Json;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.VnetDns;

/// <summary>
/// Reads what decides how a VNet resolves the endpoint's name: dhcpOptions.dnsServers of the VNets, the DNS Private
/// Resolvers (inbound endpoints) and Azure Firewalls (DNS proxy, from the firewall or its policy) of their
/// subscriptions to classify those servers, and the DNS forwarding rulesets (links and rules) that may send the
/// name elsewhere. Resolvers and firewalls are read only when some VNet uses custom DNS servers.
/// </summary>
internal static class VnetDnsReader
{
    public const string AzureDns = "168.63.129.16";

    public static async Task<VnetDnsInventory> ReadAsync(IArmReader arm, IReadOnlyList<(string VnetId, JsonElement? Vnet, string Role)> vnets, CancellationToken cancellationToken)
    {
        var inventory = new VnetDnsInventory();
        inventory.Subscriptions.AddRange(vnets.Select(v => ArmIds.Subscription(v.VnetId)).Distinct(StringComparer.OrdinalIgnoreCase));
        var custom = vnets.Any(v => v.Vnet.Arr("properties", "dhcpOptions", "dnsServers").Count > 0);
        var known = new Dictionary<string, VnetDnsServer>(StringComparer.OrdinalIgnoreCase);
        if (custom)
        {
            foreach (var subscription in inventory.Subscriptions)
            {
                await AddResolversAsync(arm, subscription, known, cancellationToken).ConfigureAwait(false);
                await AddFirewallsAsync(arm, subscription, known, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var (vnetId, vnet, role) in vnets)
        {
            var servers = vnet.Arr("properties", "dhcpOptions", "dnsServers").Select(s => s.GetString()).Where(s => s is not null).Select(s => s!).ToList();
            inventory.Vnets.Add((vnetId, role, servers.Count == 0
                ? [new VnetDnsServer(AzureDns, DnsServerKind.AzureProvided, "Azure-provided DNS", vnetId, [])]
                : servers.Select(s => Classify(s, vnetId, known)).ToList()));
        }

        foreach (var subscription in inventory.Subscriptions)
        {
            var rulesets = await arm.ListBySubscriptionAsync(subscription, "Microsoft.Network/dnsForwardingRulesets", cancellationToken).ConfigureAwait(false);
            inventory.RulesetsNotRead += Math.Max(0, rulesets.Count - VnetDnsInventory.MaxRulesets);
            foreach (var ruleset in rulesets.Take(VnetDnsInventory.MaxRulesets))
            {
                var id = ((JsonElement?)ruleset).Str("id");
                if (id is null)
                {
                    continue;
                }

                var links = arm.ListAsync(id, "virtualNetworkLinks", cancellationToken);
                var rules = arm.ListAsync(id, "forwardingRules", cancellationToken);
                var linked = (await links.ConfigureAwait(false)).Select(l => ((JsonElement?)l).Str("properties", "virtualNetwork", "id")).Where(v => v is not null).Select(v => v!).ToList();
                foreach (var rule in await rules.ConfigureAwait(false))
                {
                    JsonElement? r = rule;
                    inventory.Rules.Add(new ForwardingRule(
                        id,
                        r.Str("name") ?? string.Empty,
                        r.Str("properties", "domainName") ?? string.Empty,
                        r.Arr("properties", "targetDnsServers").Select(t => ((JsonElement?)t).Str("ipAddress")).Where(a => a is not null).Select(a => a!).ToList(),
                        !string.Equals(r.Str("properties", "forwardingRuleState"), "Disabled", StringComparison.OrdinalIgnoreCase),
                        linked));
                }
            }
        }

        return inventory;
    }

    private static VnetDnsServer Classify(string address, string vnetId, Dictionary<string, VnetDnsServer> known) =>
        address == AzureDns
            ? new VnetDnsServer(address, DnsServerKind.AzureProvided, "Azure-provided DNS (set explicitly)", vnetId, [])
            : known.TryGetValue(address, out var server)
                ? server
                : new VnetDnsServer(address, DnsServerKind.Unknown, "a custom DNS server (a VM or appliance: not a DNS Private Resolver or Azure Firewall in these subscriptions)", null, []);

    private static async Task AddResolversAsync(IArmReader arm, string subscription, Dictionary<string, VnetDnsServer> known, CancellationToken cancellationToken)
    {
        foreach (var resolver in await arm.ListBySubscriptionAsync(subscription, "Microsoft.Network/dnsResolvers", cancellationToken).ConfigureAwait(false))
        {
            JsonElement? r = resolver;
            var id = r.Str("id");
            var vnet = r.Str("properties", "virtualNetwork", "id");
            if (id is null)
            {
                continue;
            }

            foreach (var inbound in await arm.ListAsync(id, "inboundEndpoints", cancellationToken).ConfigureAwait(false))
            {
                foreach (var ip in ((JsonElement?)inbound).Arr("properties", "ipConfigurations").Select(c => ((JsonElement?)c).Str("privateIpAddress")).Where(a => a is not null))
                {
                    known[ip!] = new VnetDnsServer(ip!, DnsServerKind.PrivateResolverInbound,
                        $"the DNS Private Resolver {ArmIds.Name(id)} (inbound endpoint {((JsonElement?)inbound).Str("name")}) in {(vnet is null ? "an unknown VNet" : ArmIds.Name(vnet))}", vnet, []);
                }
            }
        }
    }

    private static async Task AddFirewallsAsync(IArmReader arm, string subscription, Dictionary<string, VnetDnsServer> known, CancellationToken cancellationToken)
    {
        foreach (var firewall in await arm.ListBySubscriptionAsync(subscription, "Microsoft.Network/azureFirewalls", cancellationToken).ConfigureAwait(false))
        {
            JsonElement? f = firewall;
            var name = f.Str("name") ?? "azure-firewall";
            var policyId = f.Str("properties", "firewallPolicy", "id");
            var policy = policyId is null ? null : await arm.GetAsync(policyId, cancellationToken).ConfigureAwait(false);
            // DNS proxy lives in the policy when there is one, else in the classic firewall's additionalProperties.
            var proxy = policy is not null
                ? policy.Bool("properties", "dnsSettings", "enableProxy") == true
                : string.Equals(f.Str("properties", "additionalProperties", "Network.DNS.EnableProxy"), "true", StringComparison.OrdinalIgnoreCase);
            var upstream = policy is not null
                ? policy.Arr("properties", "dnsSettings", "servers").Select(s => s.GetString()).Where(s => s is not null).Select(s => s!).ToList()
                : (f.Str("properties", "additionalProperties", "Network.DNS.Servers") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            foreach (var configuration in f.Arr("properties", "ipConfigurations"))
            {
                JsonElement? c = configuration;
                var ip = c.Str("properties", "privateIPAddress");
                var subnet = c.Str("properties", "subnet", "id");
                if (ip is null)
                {
                    continue;
                }

                var vnet = subnet is null ? null : ArmIds.Parent(subnet);
                known[ip] = proxy
                    ? new VnetDnsServer(ip, DnsServerKind.FirewallDnsProxy,
                        $"Azure Firewall {name} with DNS proxy{(upstream.Count == 0 ? " (forwarding to Azure DNS)" : $" (forwarding to {string.Join(", ", upstream)})")} in {(vnet is null ? "an unknown VNet" : ArmIds.Name(vnet))}",
                        upstream.Count == 0 ? vnet : null, upstream)
                    : new VnetDnsServer(ip, DnsServerKind.FirewallWithoutProxy, $"Azure Firewall {name}, whose DNS proxy is off", null, []);
            }
        }
    }
}
