using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Testing.Azure;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class PrivateEndpointScenarioTests
{
    [RequiresDnsmasqTheory]
    [InlineData(PrivateEndpointScenario.Healthy, "")]
    [InlineData(PrivateEndpointScenario.ZoneLinkedToHubOnly, "Dns.ZoneLinks")]
    [InlineData(PrivateEndpointScenario.NoZoneGroup, "Dns.Resolution,Dns.ZoneGroup,Dns.ARecord")]
    [InlineData(PrivateEndpointScenario.StaleARecord, "Dns.PrivateIp,Dns.ARecord")]
    [InlineData(PrivateEndpointScenario.PublicAccessNoDns, "Dns.PrivateIp,Dns.Zone,Dns.ZoneGroup")]
    [InlineData(PrivateEndpointScenario.AppServiceWithoutRouteAll, "AppService.RouteAll")]
    [InlineData(PrivateEndpointScenario.NsgDeniesHttps, "Subnet.NetworkPolicies,Nsg.Allow443")]
    [InlineData(PrivateEndpointScenario.ConnectionPending, "PrivateEndpoint.Connection")]
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
        Assert.Empty(report.ArmFailures);
    }
}
