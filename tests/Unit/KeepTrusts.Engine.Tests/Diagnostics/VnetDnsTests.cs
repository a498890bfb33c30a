using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class VnetDnsTests
{
    private static CheckResult Check(PrivateEndpointReport report, string id) => report.Checks.Single(c => c.Check == id);

    [RequiresDnsmasqFact]
    public async Task Custom_dns_vm_warns_saying_what_arm_cannot_show_and_how_to_ask_it_from_inside()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.CustomDnsVm);

        var report = await lab.RunAsync();

        var servers = Check(report, PrivateEndpointCheckIds.DnsVnetServers);
        Assert.Equal((CheckStatus.Warn, (int?)1), (servers.Status, servers.Gotcha));
        Assert.Contains("spoke-vnet (the app's VNet) uses 127.20.0.53, a custom DNS server (a VM or appliance", servers.Message);
        Assert.Contains("forwards privatelink.openai.azure.com (or openai.azure.com) to 168.63.129.16", servers.Message);
        Assert.Contains("not verifiable from outside the VNet", servers.Message);
        Assert.Contains("Test-KtPrivateEndpoint -Endpoint https://kt-openai-eastus.openai.azure.com/ -DnsServer 127.20.0.53   # expect 127.10.0.4", servers.Remediation);
        Assert.Contains(servers.Evidence, e => e.Key == "hub-vnet" && e.Value == "168.63.129.16 = Azure-provided DNS");
        // Resolvers and firewalls are looked up only because a VNet uses custom DNS.
        Assert.Contains(lab.Arm.Requests, r => r.Path == $"/subscriptions/{lab.Topology.AppSubscription}/providers/Microsoft.Network/dnsResolvers" && r.ApiVersion == "2022-07-01");
        Assert.Contains(lab.Arm.Requests, r => r.Path == $"/subscriptions/{lab.Topology.AppSubscription}/providers/Microsoft.Network/azureFirewalls" && r.ApiVersion == "2024-05-01");
    }

    [RequiresDnsmasqFact]
    public async Task Private_resolver_whose_vnet_is_not_linked_fails_and_the_fix_links_the_resolvers_vnet()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.PrivateResolverZoneNotLinked);

        var report = await lab.RunAsync();

        var servers = Check(report, PrivateEndpointCheckIds.DnsVnetServers);
        Assert.Equal(CheckStatus.Fail, servers.Status);
        Assert.Contains("spoke-vnet (the app's VNet) resolves through the DNS Private Resolver dnspr-hub (inbound endpoint inbound) in dns-vnet, which queries Azure DNS from dns-vnet, and privatelink.openai.azure.com is not linked to dns-vnet", servers.Message);
        var lines = servers.Remediation!.Split(Environment.NewLine);
        Assert.StartsWith("Repair-KtDnsZoneLink -PrivateEndpointId", lines[0]);
        Assert.Contains($"'{lab.Topology.DnsVnetId}'", lines[0]);
        Assert.Contains("--name link-dns-vnet --virtual-network " + lab.Topology.DnsVnetId, lines[2]);
    }

    [RequiresDnsmasqFact]
    public async Task Ruleset_forwarding_openai_elsewhere_fails_naming_the_deciding_rule()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.RulesetForwardsElsewhere);

        var report = await lab.RunAsync();

        var forwarding = Check(report, PrivateEndpointCheckIds.DnsForwarding);
        Assert.Equal((CheckStatus.Fail, (int?)1), (forwarding.Status, forwarding.Gotcha));
        Assert.Contains("the ruleset ruleset-onprem (linked to spoke-vnet) forwards openai.azure.com. to 192.0.2.53 with its rule openai-to-onprem", forwarding.Message);
        Assert.DoesNotContain("contoso", forwarding.Message);
        Assert.StartsWith(
            "az dns-resolver forwarding-rule update --subscription 11111111-1111-4111-8111-111111111111 --resource-group rg-networking --ruleset-name ruleset-onprem --name openai-to-onprem --forwarding-rule-state Disabled",
            forwarding.Remediation);
        Assert.Contains(forwarding.Evidence, e => e.Key == "ruleset-onprem/contoso");
    }

    [RequiresDnsmasqTheory]
    [InlineData(PrivateEndpointScenario.FirewallDnsProxy, "Azure Firewall afw-hub with DNS proxy (forwarding to Azure DNS) in hub-vnet")]
    [InlineData(PrivateEndpointScenario.Healthy, "spoke-vnet uses Azure-provided DNS; hub-vnet uses Azure-provided DNS")]
    public async Task Azure_dns_or_a_firewall_proxy_in_a_linked_vnet_passes(PrivateEndpointScenario scenario, string expected)
    {
        await using var lab = await PrivateEndpointLab.StartAsync(scenario);

        var report = await lab.RunAsync();

        var servers = Check(report, PrivateEndpointCheckIds.DnsVnetServers);
        Assert.Equal(CheckStatus.Pass, servers.Status);
        Assert.Contains(expected, servers.Message);
        Assert.Equal(CheckStatus.Pass, Check(report, PrivateEndpointCheckIds.DnsForwarding).Status);
    }
}
