using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class NoArmDiagnosticsTests
{
    [RequiresDnsmasqFact]
    public async Task Without_ARM_the_ARM_checks_are_skipped_saying_why_and_DNS_still_runs()
    {
        var topology = new PrivateEndpointTopology();
        using var dns = DnsmasqServer.Start(topology.BuildDns(PrivateEndpointScenario.PublicAccessNoDns));

        var report = await new PrivateEndpointDiagnostics().RunAsync(
            new PrivateEndpointDiagnosticRequest { Endpoint = topology.EndpointUrl, DnsServer = dns.Endpoint },
            CancellationToken.None);

        var byId = report.Checks.ToDictionary(c => c.Check);
        Assert.Equal(CheckStatus.Pass, byId["Dns.Resolution"].Status);
        Assert.Equal(CheckStatus.Fail, byId["Dns.PrivateIp"].Status);
        foreach (var id in new[] { "Dns.Zone", "Dns.ZoneLinks", "Dns.ZoneGroup", "Dns.ARecord", "PrivateEndpoint.Connection", "Account.Network", "Subnet.NetworkPolicies", "Nsg.Allow443" })
        {
            Assert.Equal(CheckStatus.Skipped, byId[id].Status);
            Assert.Contains("-AccountResourceId", byId[id].Message);
        }

        Assert.Equal(CheckStatus.Skipped, byId["Tls.Handshake"].Status);
    }

    [Theory]
    [InlineData("https://10.1.2.4/", "is an IP address")]
    [InlineData("not a url", "not an Azure OpenAI endpoint URL")]
    public async Task Bad_endpoint_is_rejected_with_what_to_pass_instead(string endpoint, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            new PrivateEndpointDiagnostics().RunAsync(new PrivateEndpointDiagnosticRequest { Endpoint = endpoint }, CancellationToken.None));

        Assert.Contains(expected, error.Message);
        Assert.Contains("openai.azure.com", error.Message);
    }

    [Fact]
    public void Dns_server_accepts_ip_and_ip_port_and_rejects_names()
    {
        Assert.Equal("168.63.129.16:53", DnsProbe.ParseServer("168.63.129.16").ToString());
        Assert.Equal("127.0.0.1:5353", DnsProbe.ParseServer("127.0.0.1:5353").ToString());
        var error = Assert.Throws<ArgumentException>(() => DnsProbe.ParseServer("dns.contoso.com"));
        Assert.Contains("-DnsServer", error.Message);
    }

    [Theory]
    [InlineData("127.10.0.4", true)]
    [InlineData("10.1.2.4", true)]
    [InlineData("203.0.113.10", false)]
    [InlineData("52.168.1.1", false)]
    public void Without_arm_only_private_or_loopback_answers_may_be_connected_to(string address, bool allowed)
    {
        var dns = new DnsProbeResult("test", true, "NoError", [], [System.Net.IPAddress.Parse(address)], null);

        var decision = PrivateEndpointDiagnostics.ConnectDecision(dns, nicIp: null);

        Assert.Equal(allowed, decision.Allowed);
    }

    [Fact]
    public void With_arm_only_the_endpoints_own_nic_address_may_be_connected_to()
    {
        var dns = new DnsProbeResult("test", true, "NoError", [], [System.Net.IPAddress.Parse("10.1.2.99")], null);

        Assert.False(PrivateEndpointDiagnostics.ConnectDecision(dns, nicIp: "10.1.2.4").Allowed);
        Assert.True(PrivateEndpointDiagnostics.ConnectDecision(dns, nicIp: "10.1.2.99").Allowed);
    }

    [Fact]
    public async Task A_cancelled_run_stops_with_OperationCanceledException()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.Healthy));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new PrivateEndpointDiagnostics().RunAsync(
            new PrivateEndpointDiagnosticRequest
            {
                Endpoint = topology.EndpointUrl,
                AccountResourceId = topology.AccountId,
                DnsServer = "127.0.0.1:1",
                Arm = ArmResourcesTests.Options(fake),
            },
            cancelled.Token));
    }
}
