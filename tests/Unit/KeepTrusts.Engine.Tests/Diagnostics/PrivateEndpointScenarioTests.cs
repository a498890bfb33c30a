using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class PrivateEndpointScenarioTests
{
    [RequiresDnsmasqTheory]
    [MemberData(nameof(PrivateEndpointScenarioFailures.Rows), MemberType = typeof(PrivateEndpointScenarioFailures))]
    public async Task Each_scenario_fails_exactly_its_broken_links(PrivateEndpointScenario scenario, string expectedFailures)
    {
        await using var lab = await PrivateEndpointLab.StartAsync(scenario);

        var report = await lab.RunAsync();

        Assert.Equal(PrivateEndpointCheckIds.InOrder, report.Checks.Select(c => c.Check));
        var failing = report.Checks.Where(c => c.Status == CheckStatus.Fail).Select(c => c.Check).ToList();
        var expected = expectedFailures.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(expected.SequenceEqual(failing),
            $"Expected [{expectedFailures}] but got [{string.Join(",", failing)}]:\n" + string.Join("\n", report.Checks.Select(c => $"{c.Status} {c.Check}: {c.Message} | {c.EvidenceText}")));
        Assert.All(report.Checks.Where(c => c.Status == CheckStatus.Fail), c => Assert.False(string.IsNullOrWhiteSpace(c.Remediation)));
        Assert.All(report.Checks.Where(c => c.Status == CheckStatus.Fail), c => Assert.Equal(ExpectedGotcha(c.Check), c.Gotcha));
        Assert.Empty(report.ArmFailures);
        if (expected.Length > 0)
        {
            Assert.Equal(expected[0], report.Summary.FirstFailingCheck);
        }

        Assert.Equal(expected.Length == 0, report.Summary.Healthy);
    }

    internal static int? ExpectedGotcha(string check) => check switch
    {
        _ when check.StartsWith("Dns.", StringComparison.Ordinal) => 1,
        "AppService.RouteAll" or "Route.Path" => 2,
        "Subnet.NetworkPolicies" or "Nsg.Allow443" => 3,
        "Sdk.Endpoint" or "AppService.Settings" => 4,
        _ => null,
    };

    [RequiresDnsmasqFact]
    public async Task Healthy_chain_completes_a_TLS_handshake_with_SNI_to_the_endpoint_address_only()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);

        var report = await lab.RunAsync();

        var tls = report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.TlsHandshake);
        // The stand-in's certificate is self-signed: -SkipCertificateCheck (given for the ARM fake) must not hide that.
        Assert.Equal(CheckStatus.Warn, tls.Status);
        Assert.Contains("the chain is not trusted here (RemoteCertificateChainErrors)", tls.Message);
        Assert.Contains(tls.Evidence, e => e.Key == "handshakeMs");
        Assert.Contains(tls.Evidence, e => e.Key == "san" && e.Value == lab.Topology.Fqdn);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (lab.Tls.CompletedHandshakes == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(lab.Topology.Fqdn, Assert.Single(lab.Tls.ServerNamesSeen));
        Assert.True(report.Summary.Healthy);
    }

    [RequiresDnsmasqTheory]
    [InlineData(PrivateEndpointScenario.PublicAccessNoDns, "not connecting: 203.0.113.10 is not the private endpoint's NIC address 127.10.0.4")]
    [InlineData(PrivateEndpointScenario.StaleARecord, "not connecting: 127.10.0.99 is not the private endpoint's NIC address 127.10.0.4")]
    public async Task Never_connects_to_an_address_that_is_not_the_endpoints(PrivateEndpointScenario scenario, string reason)
    {
        await using var lab = await PrivateEndpointLab.StartAsync(scenario);

        var report = await lab.RunAsync();

        var tls = report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.TlsHandshake);
        Assert.Equal(CheckStatus.Skipped, tls.Status);
        Assert.Contains(reason, tls.Message);
        Assert.Empty(lab.Tls.ServerNamesSeen);
    }

    [RequiresDnsmasqFact]
    public async Task Public_dns_answer_fails_with_gotcha_1_and_the_fix_names_the_users_resources()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.PublicAccessNoDns);

        var report = await lab.RunAsync();

        var ip = report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.DnsPrivateIp);
        Assert.Equal(1, ip.Gotcha);
        Assert.Contains("public address 203.0.113.10", ip.Message);
        Assert.Contains("az network private-dns zone create --subscription 11111111-1111-4111-8111-111111111111 --resource-group rg-networking --name privatelink.openai.azure.com", ip.Remediation);
        Assert.Contains("--name link-spoke-vnet --virtual-network " + lab.Topology.SpokeVnetId + " --registration-enabled false", ip.Remediation);
        Assert.Contains("--endpoint-name pe-openai-eastus", ip.Remediation);
        Assert.Equal(CheckStatus.Warn, report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.AccountNetwork).Status);
        Assert.Equal("Dns.PrivateIp", report.Summary.FirstFailingCheck);
    }

    [RequiresDnsmasqFact]
    public async Task Sdk_endpoint_set_to_an_ip_or_another_resource_fails_with_gotcha_4()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);

        var ipReport = await lab.RunAsync(new Dictionary<string, string?> { ["AZURE_OPENAI_ENDPOINT"] = "https://10.1.2.4/" });
        var baseReport = await lab.RunAsync(new Dictionary<string, string?>
        {
            ["AZURE_OPENAI_ENDPOINT"] = lab.Topology.EndpointUrl,
            ["OPENAI_API_BASE"] = "https://other-openai.openai.azure.com/",
        });
        var goodReport = await lab.RunAsync(new Dictionary<string, string?> { ["AZURE_OPENAI_ENDPOINT"] = lab.Topology.EndpointUrl });
        var sameBaseReport = await lab.RunAsync(new Dictionary<string, string?> { ["OPENAI_API_BASE"] = lab.Topology.EndpointUrl });

        var ip = ipReport.Checks.Single(c => c.Check == PrivateEndpointCheckIds.SdkEndpoint);
        Assert.Equal((CheckStatus.Fail, (int?)4), (ip.Status, ip.Gotcha));
        Assert.Contains("IP address 10.1.2.4", ip.Message);
        Assert.Contains("AZURE_OPENAI_ENDPOINT=https://kt-openai-eastus.openai.azure.com/", ip.Remediation);
        var other = baseReport.Checks.Single(c => c.Check == PrivateEndpointCheckIds.SdkEndpoint);
        Assert.Equal(CheckStatus.Fail, other.Status);
        Assert.Contains("OPENAI_API_BASE points at other-openai.openai.azure.com", other.Message);
        Assert.Contains("--setting-names OPENAI_API_BASE", other.Remediation);
        Assert.Equal(CheckStatus.Pass, goodReport.Checks.Single(c => c.Check == PrivateEndpointCheckIds.SdkEndpoint).Status);
        Assert.Equal(CheckStatus.Warn, sameBaseReport.Checks.Single(c => c.Check == PrivateEndpointCheckIds.SdkEndpoint).Status);
    }

    [RequiresDnsmasqFact]
    public async Task With_several_regional_endpoints_the_one_dns_answers_is_checked()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);
        lab.Topology.AddOtherRegionEndpoint(lab.Arm.Store);

        var report = await lab.RunAsync();

        Assert.DoesNotContain(report.Checks, c => c.Status == CheckStatus.Fail);
        var connection = report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.PrivateEndpointConnection);
        Assert.Contains(connection.Evidence, e => e.Key == "privateEndpoint" && e.Value == lab.Topology.PrivateEndpointId);
        Assert.Contains(connection.Evidence, e => e.Key == "connections" && e.Value == "2");
    }

    [RequiresDnsmasqFact]
    public async Task Route_all_set_through_outboundVnetRouting_counts_as_enabled()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.AppServiceWithoutRouteAll);
        var site = lab.Arm.Store.Get(lab.Topology.AppId)!;
        site["properties"]!["outboundVnetRouting"] = new System.Text.Json.Nodes.JsonObject { ["allTraffic"] = false, ["applicationTraffic"] = true };

        var report = await lab.RunAsync();

        Assert.Equal(CheckStatus.Pass, report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.AppServiceRouteAll).Status);
    }

    [RequiresDnsmasqFact]
    public async Task Refused_connection_to_the_endpoint_fails_tls_with_gotcha_3_and_a_wrong_certificate_with_gotcha_4()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse(lab.Topology.PrivateIp), 0);
        closed.Start();
        var closedPort = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var impostor = KeepTrusts.Testing.Tls.LocalTlsServer.Start(System.Net.IPAddress.Parse(lab.Topology.PrivateIp), "proxy.contoso.example");
        var diagnostics = new PrivateEndpointDiagnostics();

        var refused = await diagnostics.RunAsync(new PrivateEndpointDiagnosticRequest
        {
            Endpoint = lab.Topology.EndpointUrl, AccountResourceId = lab.Topology.AccountId, DnsServer = lab.Dns.Endpoint,
            Port = closedPort, Arm = ArmResourcesTests.Options(lab.Arm),
        }, CancellationToken.None);
        var wrongCert = await diagnostics.RunAsync(new PrivateEndpointDiagnosticRequest
        {
            Endpoint = lab.Topology.EndpointUrl, AccountResourceId = lab.Topology.AccountId, DnsServer = lab.Dns.Endpoint,
            Port = impostor.Port, Arm = ArmResourcesTests.Options(lab.Arm),
        }, CancellationToken.None);

        var refusedTls = refused.Checks.Single(c => c.Check == PrivateEndpointCheckIds.TlsHandshake);
        Assert.Equal((CheckStatus.Fail, (int?)3), (refusedTls.Status, refusedTls.Gotcha));
        Assert.Contains("TCP connect to " + lab.Topology.PrivateIp, refusedTls.Message);
        Assert.Equal($"curl -v https://{lab.Topology.Fqdn}:{closedPort}/ --resolve {lab.Topology.Fqdn}:{closedPort}:{lab.Topology.PrivateIp}", refusedTls.Remediation);
        var wrongTls = wrongCert.Checks.Single(c => c.Check == PrivateEndpointCheckIds.TlsHandshake);
        Assert.Equal((CheckStatus.Fail, (int?)4), (wrongTls.Status, wrongTls.Gotcha));
        Assert.Contains("does not name " + lab.Topology.Fqdn, wrongTls.Message);
        Assert.Contains(wrongTls.Evidence, e => e.Key == "san" && e.Value == "proxy.contoso.example");
    }

    [RequiresDnsmasqFact]
    public async Task Answer_without_the_privatelink_cname_fails_the_cname_check()
    {
        var topology = new PrivateEndpointTopology();
        using var dns = KeepTrusts.Testing.Dns.DnsmasqServer.Start(
            new KeepTrusts.Testing.Dns.DnsmasqZone().AuthoritativeFor("openai.azure.com").A(topology.Fqdn, topology.PrivateIp));

        var report = await new PrivateEndpointDiagnostics().RunAsync(
            new PrivateEndpointDiagnosticRequest { Endpoint = topology.EndpointUrl, DnsServer = dns.Endpoint, Port = 1 }, CancellationToken.None);

        var cname = report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.DnsPrivatelinkCname);
        Assert.Equal((CheckStatus.Fail, (int?)1), (cname.Status, cname.Gotcha));
        Assert.Contains("kt-openai-eastus.privatelink.openai.azure.com", cname.Message);
    }

    [RequiresDnsmasqTheory]
    [InlineData("customSubDomainName", "", "has no custom subdomain")]
    [InlineData("customSubDomainName", "kt-openai-other", "belongs to a different resource")]
    public async Task Account_without_matching_custom_subdomain_fails(string property, string value, string expected)
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy);
        lab.Arm.Store.Get(lab.Topology.AccountId)!["properties"]![property] = value;

        var report = await lab.RunAsync();

        var account = report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.AccountNetwork);
        Assert.Equal(CheckStatus.Fail, account.Status);
        Assert.Contains(expected, account.Message);
    }

    [RequiresDnsmasqFact]
    public async Task Without_any_private_endpoint_the_dns_checks_say_so_instead_of_blaming_dns()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.NoPrivateEndpoint);

        var report = await lab.RunAsync();

        var byId = report.Checks.ToDictionary(c => c.Check);
        Assert.Equal(CheckStatus.Skipped, byId["Dns.PrivatelinkCname"].Status);
        Assert.Contains("no private endpoint", byId["Dns.PrivatelinkCname"].Message);
        Assert.DoesNotContain("hosts file", byId["Dns.PrivatelinkCname"].Message);
        Assert.Equal(CheckStatus.Skipped, byId["Dns.PrivateIp"].Status);
        Assert.Contains("public address 203.0.113.10", byId["Dns.PrivateIp"].Message);
        Assert.DoesNotContain("-AccountResourceId", byId["Dns.PrivateIp"].Message);
        foreach (var id in new[] { "Subnet.NetworkPolicies", "Nsg.Allow443" })
        {
            Assert.Equal(CheckStatus.Skipped, byId[id].Status);
            Assert.StartsWith("The account has no private endpoint", byId[id].Message);
        }

        Assert.StartsWith("az network private-endpoint create", byId["PrivateEndpoint.Connection"].Remediation);
        Assert.Contains("--private-connection-resource-id " + lab.Topology.AccountId, byId["PrivateEndpoint.Connection"].Remediation);
        Assert.Equal("PrivateEndpoint.Connection", report.Summary.FirstFailingCheck);
    }

    [RequiresDnsmasqFact]
    public async Task Nxdomain_without_arm_is_described_as_what_it_is_and_with_arm_names_the_missing_zone_group()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.NoZoneGroup);

        var blind = await new PrivateEndpointDiagnostics().RunAsync(
            new PrivateEndpointDiagnosticRequest { Endpoint = lab.Topology.EndpointUrl, DnsServer = lab.Dns.Endpoint }, CancellationToken.None);
        var informed = await lab.RunAsync();

        var withoutArm = blind.Checks.Single(c => c.Check == PrivateEndpointCheckIds.DnsResolution);
        Assert.Equal(CheckStatus.Fail, withoutArm.Status);
        Assert.Contains("(NXDOMAIN): without ARM data the cause cannot be told apart", withoutArm.Message);
        Assert.DoesNotContain("no DNS zone group", withoutArm.Message);
        Assert.StartsWith("Pass -AccountResourceId", withoutArm.Remediation);
        var withArm = informed.Checks.Single(c => c.Check == PrivateEndpointCheckIds.DnsResolution);
        Assert.Contains("because the private endpoint pe-openai-eastus has no DNS zone group", withArm.Message);
        Assert.StartsWith($"Repair-KtDnsZoneLink -PrivateEndpointId '{lab.Topology.PrivateEndpointId}'", withArm.Remediation);
    }

    [RequiresDnsmasqTheory]
    [InlineData(PrivateEndpointScenario.ZoneLinkedToHubOnly, "Dns.ZoneLinks", "-WhatIf", "az network private-dns link vnet create")]
    [InlineData(PrivateEndpointScenario.NoZoneGroup, "Dns.ZoneGroup", "-WhatIf", "az network private-endpoint dns-zone-group create")]
    [InlineData(PrivateEndpointScenario.StaleARecord, "Dns.ARecord", "-FixStaleRecord -WhatIf", "az network private-dns record-set a add-record")]
    [InlineData(PrivateEndpointScenario.PublicAccessNoDns, "Dns.PrivateIp", "-WhatIf", "az network private-dns zone create")]
    public async Task Dns_fixes_name_Repair_KtDnsZoneLink_with_WhatIf_first_and_az_after(PrivateEndpointScenario scenario, string check, string switches, string az)
    {
        await using var lab = await PrivateEndpointLab.StartAsync(scenario);

        var report = await lab.RunAsync();

        var lines = report.Checks.Single(c => c.Check == check).Remediation!.Split(Environment.NewLine);
        var t = lab.Topology;
        Assert.StartsWith($"Repair-KtDnsZoneLink -PrivateEndpointId '{t.PrivateEndpointId}' -VirtualNetworkId '{t.HubVnetId}','{t.SpokeVnetId}'", lines[0]);
        Assert.Contains(switches + "   # preview", lines[0]);
        Assert.Equal("# or with az:", lines[1]);
        Assert.StartsWith(az, lines[2]);
    }
}
