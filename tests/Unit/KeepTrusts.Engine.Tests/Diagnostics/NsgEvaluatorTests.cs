using System.Net;
using KeepTrusts.Engine.Diagnostics.Networking;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class NsgEvaluatorTests
{
    private static readonly IReadOnlyList<IPNetwork> HubAndSpoke = [IPNetwork.Parse("10.1.0.0/16"), IPNetwork.Parse("10.2.0.0/16")];

    private static NsgFlow Https(string source = "10.2.1.4", string destination = "10.1.2.4") =>
        new(IPAddress.Parse(source), IPAddress.Parse(destination), 443, "Tcp", HubAndSpoke);

    private static NsgRule Rule(string name, int priority, bool allow, string protocol = "Tcp", string[]? source = null, string[]? destination = null,
        string[]? ports = null, NsgDirection direction = NsgDirection.Inbound) =>
        new("nsg-pe", name, priority, direction, allow, protocol, source ?? ["*"], destination ?? ["*"], ports ?? ["443"], false, false);

    private static IEnumerable<NsgRule> WithDefaults(params NsgRule[] rules) => rules.Concat(NsgRule.AzureDefaults("nsg-pe"));

    [Fact]
    public void Lower_priority_number_wins_regardless_of_list_order()
    {
        var verdict = NsgEvaluator.Evaluate(
            WithDefaults(Rule("Allow-443", 300, true), Rule("Deny-443", 200, false)), NsgDirection.Inbound, Https());

        Assert.False(verdict.Allowed);
        Assert.Equal("Deny-443", verdict.DecidingRule.Name);
    }

    [Fact]
    public void Without_custom_rules_VirtualNetwork_tag_covers_peered_spoke_via_AllowVnetInBound()
    {
        var verdict = NsgEvaluator.Evaluate(WithDefaults(), NsgDirection.Inbound, Https());

        Assert.True(verdict.Allowed);
        Assert.Equal("AllowVnetInBound", verdict.DecidingRule.Name);
        Assert.Equal(65000, verdict.DecidingRule.Priority);
    }

    [Fact]
    public void Source_outside_vnet_and_peers_falls_to_DenyAllInBound()
    {
        var verdict = NsgEvaluator.Evaluate(WithDefaults(), NsgDirection.Inbound, Https(source: "10.9.0.4"));

        Assert.False(verdict.Allowed);
        Assert.Equal("DenyAllInBound", verdict.DecidingRule.Name);
    }

    [Theory]
    [InlineData("400-500", true)]
    [InlineData("80,8443", false)]
    [InlineData("*", true)]
    [InlineData("444-65535", false)]
    public void Port_ranges_and_lists_decide_whether_a_rule_applies(string ports, bool denied)
    {
        var verdict = NsgEvaluator.Evaluate(
            WithDefaults(Rule("Deny-Ports", 100, false, ports: ports.Split(','))), NsgDirection.Inbound, Https());

        Assert.Equal(denied, !verdict.Allowed);
        Assert.Equal(denied ? "Deny-Ports" : "AllowVnetInBound", verdict.DecidingRule.Name);
    }

    [Fact]
    public void Cidr_prefix_lists_match_the_source_address()
    {
        var rules = WithDefaults(
            Rule("Allow-Spoke", 100, true, source: ["10.3.0.0/24", "10.2.1.0/24"], destination: ["10.1.2.4"]),
            Rule("Deny-Rest", 110, false));

        Assert.Equal("Allow-Spoke", NsgEvaluator.Evaluate(rules, NsgDirection.Inbound, Https()).DecidingRule.Name);
        Assert.Equal("Deny-Rest", NsgEvaluator.Evaluate(rules, NsgDirection.Inbound, Https(source: "10.2.2.4")).DecidingRule.Name);
    }

    [Fact]
    public void Udp_rule_does_not_decide_a_tcp_flow()
    {
        var verdict = NsgEvaluator.Evaluate(WithDefaults(Rule("Deny-Udp", 100, false, protocol: "Udp")), NsgDirection.Inbound, Https());

        Assert.Equal("AllowVnetInBound", verdict.DecidingRule.Name);
    }

    [Fact]
    public void Outbound_rules_are_evaluated_separately_and_Internet_tag_only_matches_public_destinations()
    {
        var rules = WithDefaults(Rule("Deny-Internet-443", 100, false, destination: ["Internet"], direction: NsgDirection.Outbound));

        Assert.Equal("AllowVnetOutBound", NsgEvaluator.Evaluate(rules, NsgDirection.Outbound, Https()).DecidingRule.Name);
        var toPublic = NsgEvaluator.Evaluate(rules, NsgDirection.Outbound, Https(destination: "203.0.113.10"));
        Assert.False(toPublic.Allowed);
        Assert.Equal("Deny-Internet-443", toPublic.DecidingRule.Name);
    }

    [Fact]
    public void Application_security_group_rules_are_not_guessed_but_noted()
    {
        var asg = new NsgRule("nsg-pe", "Deny-Asg", 100, NsgDirection.Inbound, false, "Tcp", ["*"], ["*"], ["443"], false, true);

        var verdict = NsgEvaluator.Evaluate(WithDefaults(asg), NsgDirection.Inbound, Https());

        Assert.Equal("AllowVnetInBound", verdict.DecidingRule.Name);
        Assert.Contains(verdict.Notes, n => n.Contains("Deny-Asg") && n.Contains("application security groups"));
    }

    [Theory]
    [InlineData("asg-openai-pe", false, "Deny-To-Asg")]
    [InlineData("asg-other", true, "AllowVnetInBound")]
    public void Application_security_group_rules_match_by_the_endpoints_membership(string member, bool allowed, string deciding)
    {
        var asg = new NsgRule("nsg-pe", "Deny-To-Asg", 100, NsgDirection.Inbound, false, "Tcp", ["*"], [], ["443"], false, true,
            DestinationApplicationSecurityGroups: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/asg-openai-pe"]);
        var flow = Https() with
        {
            SourceApplicationSecurityGroups = new HashSet<string>(),
            DestinationApplicationSecurityGroups = new HashSet<string> { "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/" + member },
        };

        var verdict = NsgEvaluator.Evaluate(WithDefaults(asg), NsgDirection.Inbound, flow);

        Assert.Equal((allowed, deciding), (verdict.Allowed, verdict.DecidingRule.Name));
        Assert.Empty(verdict.Notes);
    }
}
