using System.Text.Json;
using KeepTrusts.Engine.Azure;

namespace KeepTrusts.Engine.Diagnostics.VnetDns;

/// <summary>
/// Dns.VnetServers and Dns.Forwarding: judged from ARM, so they hold from a host outside the VNet. What ARM cannot
/// show (what a VM-based DNS server forwards, or where) is said in the message, with the query that settles it.
/// </summary>
internal static class VnetDnsChecks
{
    private const int DnsGotcha = 1;

    public static CheckResult Servers(PrivateEndpointCheckContext c, RemediationNames n)
    {
        const string id = PrivateEndpointCheckIds.DnsVnetServers;
        if (Skip(c) is { } why)
        {
            return new CheckResult(id, DnsGotcha, CheckStatus.Skipped, why, [], null);
        }

        var dns = c.Inventory.VnetDns!;
        var linked = LinkedVnets(c);
        var evidence = dns.Vnets.Select(v => new KeyValuePair<string, string>(ArmIds.Name(v.VnetId), string.Join("; ", v.Servers.Select(s => $"{s.Address} = {s.Description}")))).ToList();
        var failures = new List<string>();
        var missingLinks = new List<string>();
        var warnings = new List<string>();
        foreach (var (vnetId, role, servers) in dns.Vnets)
        {
            foreach (var server in servers)
            {
                switch (server.Kind)
                {
                    case DnsServerKind.FirewallWithoutProxy:
                        failures.Add($"{ArmIds.Name(vnetId)} ({role}) sends DNS to {server.Address}, {server.Description}: it does not answer DNS");
                        break;
                    case DnsServerKind.Unknown:
                        warnings.Add($"{ArmIds.Name(vnetId)} ({role}) uses {server.Address}, {server.Description}. From ARM it cannot be seen whether it forwards {n.ZoneName} "
                            + $"(or openai.azure.com) to 168.63.129.16, nor from which VNet it reaches Azure DNS (that VNet must be linked to {n.ZoneName}); "
                            + "this is not verifiable from outside the VNet");
                        break;
                    case DnsServerKind.FirewallDnsProxy when server.Upstream.Count > 0:
                        warnings.Add($"{ArmIds.Name(vnetId)} ({role}) uses {server.Description}: whether {string.Join(", ", server.Upstream)} forward {n.ZoneName} to 168.63.129.16 cannot be seen from ARM");
                        break;
                    default:
                        // A VNet on Azure-provided DNS resolves from itself: its own link is Dns.ZoneLinks' business.
                        if (server.Kind != DnsServerKind.AzureProvided && server.ResolvesFromVnetId is { } from && linked is not null && !linked.Contains(from) && !missingLinks.Contains(from, StringComparer.OrdinalIgnoreCase))
                        {
                            missingLinks.Add(from);
                            failures.Add($"{ArmIds.Name(vnetId)} ({role}) resolves through {server.Description}, which queries Azure DNS from {ArmIds.Name(from)}, and {n.ZoneName} is not linked to {ArmIds.Name(from)}: names resolve to the public IP there");
                        }

                        break;
                }
            }
        }

        if (failures.Count > 0)
        {
            var fix = missingLinks.Count > 0
                ? n.RepairFirst(missingLinks.Select(v => n.LinkCreateCommand((v, ArmIds.Name(v), "the resolving VNet"))), extraVnets: missingLinks)
                : "Turn on DNS proxy on the firewall (its policy: az network firewall policy update --name <policy> --resource-group <rg> --enable-dns-proxy true) or point the VNet's DNS servers at a resolver that answers.";
            return new CheckResult(id, DnsGotcha, CheckStatus.Fail, string.Join("; ", failures) + ".", evidence, fix);
        }

        if (warnings.Count > 0)
        {
            var servers = dns.Vnets.SelectMany(v => v.Servers).Where(s => s.Kind is DnsServerKind.Unknown or DnsServerKind.FirewallDnsProxy).Select(s => s.Address).Distinct().ToList();
            return new CheckResult(id, DnsGotcha, CheckStatus.Warn, string.Join("; ", warnings) + ".", evidence,
                string.Join(Environment.NewLine, servers.Select(s =>
                    $"# from a host inside the VNet: Test-KtPrivateEndpoint -Endpoint https://{c.Fqdn}/ -DnsServer {s}   # expect {c.Inventory.NicIp ?? "the endpoint's private address"}"))
                + Environment.NewLine + $"# on the server: a conditional forwarder for {n.ZoneName} (or openai.azure.com) to 168.63.129.16, from a VNet linked to the zone");
        }

        return new CheckResult(id, DnsGotcha, CheckStatus.Pass,
            $"{string.Join("; ", dns.Vnets.Select(v => $"{ArmIds.Name(v.VnetId)} uses {string.Join(", ", v.Servers.Select(s => s.Kind == DnsServerKind.AzureProvided ? "Azure-provided DNS" : s.Description))}"))}"
            + (linked is null ? "." : $"; each resolves from a VNet linked to {n.ZoneName}."),
            evidence, null);
    }

    public static CheckResult Forwarding(PrivateEndpointCheckContext c, RemediationNames n)
    {
        const string id = PrivateEndpointCheckIds.DnsForwarding;
        if (Skip(c) is { } why)
        {
            return new CheckResult(id, DnsGotcha, CheckStatus.Skipped, why, [], null);
        }

        var dns = c.Inventory.VnetDns!;
        var linkedToZone = LinkedVnets(c);
        // The VNets whose Azure DNS answers for the app: the inspected ones and those their resolvers query from.
        var resolving = dns.Vnets.Select(v => v.VnetId)
            .Concat(dns.Vnets.SelectMany(v => v.Servers).Select(s => s.ResolvesFromVnetId).Where(v => v is not null).Select(v => v!))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var inboundAddresses = dns.Vnets.SelectMany(v => v.Servers).Where(s => s.Kind == DnsServerKind.PrivateResolverInbound).ToDictionary(s => s.Address, s => s, StringComparer.OrdinalIgnoreCase);
        var privatelinkName = $"{n.RecordName}.{n.ZoneName}";
        var evidence = dns.Rules.Select(r => new KeyValuePair<string, string>($"{ArmIds.Name(r.RulesetId)}/{r.Name}",
            $"{r.DomainName} -> {string.Join(", ", r.Targets)}{(r.Enabled ? string.Empty : " (disabled)")}; linked to {string.Join(", ", r.LinkedVnetIds.Select(ArmIds.Name))}")).ToList();
        if (dns.RulesetsNotRead > 0)
        {
            evidence.Add(new("notRead", string.Create(CultureInfo.InvariantCulture, $"{dns.RulesetsNotRead} ruleset(s) beyond {VnetDnsInventory.MaxRulesets} per subscription")));
        }

        var problems = new List<(string Text, ForwardingRule Rule)>();
        foreach (var vnet in resolving)
        {
            var rules = dns.Rules.Where(r => r.Enabled && r.LinkedVnetIds.Contains(vnet, StringComparer.OrdinalIgnoreCase)).ToList();
            foreach (var name in new[] { c.Fqdn, privatelinkName })
            {
                // The most specific matching rule decides, as in Azure DNS.
                var rule = rules.Where(r => r.Covers(name)).OrderByDescending(r => r.DomainName.TrimEnd('.').Length).FirstOrDefault();
                if (rule is null)
                {
                    continue;
                }

                var backToPrivateZone = rule.Targets.Count > 0 && rule.Targets.All(t => inboundAddresses.TryGetValue(t, out var inbound)
                    && inbound.ResolvesFromVnetId is { } from && (linkedToZone is null || linkedToZone.Contains(from)));
                if (!backToPrivateZone && !problems.Any(p => p.Rule == rule))
                {
                    problems.Add(($"the ruleset {ArmIds.Name(rule.RulesetId)} (linked to {ArmIds.Name(vnet)}) forwards {rule.DomainName} to {string.Join(", ", rule.Targets)} with its rule {rule.Name}, so {name} is answered there and never from the private zone {n.ZoneName}", rule));
                }
            }
        }

        if (problems.Count > 0)
        {
            var fix = problems.Select(p =>
                $"az dns-resolver forwarding-rule update --subscription {ArmIds.Subscription(p.Rule.RulesetId)} --resource-group {ArmIds.ResourceGroup(p.Rule.RulesetId)} --ruleset-name {ArmIds.Name(p.Rule.RulesetId)} --name {p.Rule.Name} --forwarding-rule-state Disabled"
                + $"   # or add a rule for {n.ZoneName}. whose target is a DNS Private Resolver inbound endpoint in a VNet linked to the zone");
            return new CheckResult(id, DnsGotcha, CheckStatus.Fail, string.Join("; ", problems.Select(p => p.Text)) + ".", evidence, string.Join(Environment.NewLine, fix));
        }

        return new CheckResult(id, DnsGotcha, CheckStatus.Pass,
            dns.Rules.Count == 0
                ? $"No DNS forwarding ruleset in {string.Join(", ", dns.Subscriptions)} has rules: nothing sends {c.Fqdn} away from Azure DNS."
                : string.Create(CultureInfo.InvariantCulture, $"No enabled forwarding rule linked to {string.Join(", ", resolving.Select(ArmIds.Name))} sends {c.Fqdn} or {privatelinkName} away from the private zone ({dns.Rules.Count} rule(s) read)."),
            evidence, null);
    }

    private static string? Skip(PrivateEndpointCheckContext c)
    {
        if (c.Request.Arm is null && c.Request.ArmReader is null)
        {
            return "Needs ARM: no ARM access was configured (pass -AccountResourceId and sign in, or -AccessToken).";
        }

        if (c.Inventory.FailureText("vnetDns") is { } failure)
        {
            return "Could not read the VNets' DNS configuration: " + failure;
        }

        return c.Inventory.VnetDns is null || c.Inventory.VnetDns.Vnets.Count == 0
            ? c.Inventory.PrivateEndpointId is null && c.Inventory.Account is not null
                ? "The account has no private endpoint (see PrivateEndpoint.Connection)."
                : "No VNet to inspect: the endpoint's and the app's VNets are unknown."
            : null;
    }

    /// <summary>The VNets linked to the zone, or null when the zone is not known (then links are not judged here).</summary>
    private static HashSet<string>? LinkedVnets(PrivateEndpointCheckContext c) => c.Inventory.Zone is null
        ? null
        : c.Inventory.Links.Select(l => ((JsonElement?)l).Str("properties", "virtualNetwork", "id")).Where(v => v is not null).Select(v => v!).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
