using System.Collections.Concurrent;
using System.Diagnostics;
using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Engine.Diagnostics.Fleet;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;
using Xunit.Abstractions;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class FleetTests(ITestOutputHelper output)
{
    private static FleetRequest Request(FleetLab lab, params string[] resourceGroups) => new()
    {
        SubscriptionIds = [FleetLab.Subscription],
        ResourceGroupNames = resourceGroups,
        Arm = ArmResourcesTests.Options(lab.Arm),
        DnsServer = lab.Dns.Endpoint,
        Port = lab.Port,
    };

    [RequiresDnsmasqFact]
    public async Task Fifty_accounts_are_each_checked_with_their_own_failures_and_shared_resources_are_read_once()
    {
        await using var lab = await FleetLab.StartAsync(50);
        var streamed = new ConcurrentBag<string>();

        var clock = Stopwatch.StartNew();
        var reports = await new PrivateEndpointFleet().RunAsync(Request(lab), r => streamed.Add(r.Account.AccountId), CancellationToken.None);
        clock.Stop();
        output.WriteLine($"50 accounts, ThrottleLimit 8: {clock.Elapsed.TotalSeconds:0.00} s wall, {lab.Arm.Requests.Count} ARM requests, {lab.CompletedHandshakes} TLS handshakes");

        Assert.Equal(50, reports.Count);
        Assert.Equal(50, streamed.Distinct().Count());
        for (var i = 0; i < 50; i++)
        {
            var account = lab.Accounts[i];
            var report = reports.Single(r => r.Account.AccountId == account.AccountId);
            Assert.Null(report.Error);
            Assert.Equal(account.EndpointUrl, report.Account.Endpoint);
            var failing = string.Join(",", report.Report!.Checks.Where(c => c.Status == CheckStatus.Fail).Select(c => c.Check));
            Assert.True(FleetLab.ExpectedFailures(i) == failing, $"{account.AccountName}: expected [{FleetLab.ExpectedFailures(i)}] got [{failing}]");
        }

        // Resource Graph pages of 20: three POSTs; the zone, its links and the hub VNet are read once for all 50 accounts.
        Assert.Equal(3, lab.Arm.Requests.Count(r => r.Path.EndsWith("Microsoft.ResourceGraph/resources", StringComparison.Ordinal)));
        var t = lab.Accounts[0];
        Assert.Equal(1, lab.Arm.Requests.Count(r => r.Method == "GET" && r.Path == t.ZoneId));
        Assert.Equal(1, lab.Arm.Requests.Count(r => r.Method == "GET" && r.Path == t.ZoneId + "/virtualNetworkLinks"));
        Assert.Equal(1, lab.Arm.Requests.Count(r => r.Method == "GET" && r.Path == t.HubVnetId));
        Assert.Empty(lab.Arm.WriteRequests);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (lab.CompletedHandshakes < 48 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(48, lab.CompletedHandshakes); // every endpoint whose DNS answer is its own NIC address: not the stale one, not the one without an endpoint
    }

    [RequiresDnsmasqFact]
    public async Task Resource_group_filter_goes_into_the_query_and_only_those_accounts_are_checked()
    {
        await using var lab = await FleetLab.StartAsync(6);

        var reports = await new PrivateEndpointFleet().RunAsync(Request(lab, "rg-ai-b"), _ => { }, CancellationToken.None);

        Assert.Equal(["kt-fleet-01", "kt-fleet-03", "kt-fleet-05"], reports.Select(r => r.Account.AccountId.Split('/').Last()).Order());
        Assert.Contains("| where resourceGroup in~ ('rg-ai-b')", Assert.Single(lab.Arm.ResourceGraphQueries));
        Assert.Contains("where type =~ 'microsoft.cognitiveservices/accounts'", lab.Arm.ResourceGraphQueries[0]);
    }

    [Theory]
    [InlineData("not-a-guid", "rg", "-SubscriptionId 'not-a-guid' is not a subscription id")]
    [InlineData("11111111-1111-4111-8111-111111111111", "rg') | project secrets //", "is not a resource group name")]
    public async Task Bad_subscription_or_resource_group_is_refused_before_any_query(string subscription, string group, string expected)
    {
        var request = new FleetRequest
        {
            SubscriptionIds = [subscription],
            ResourceGroupNames = [group],
            Arm = new KeepTrusts.Engine.Azure.ArmConnectionOptions { ArmEndpoint = new Uri("https://127.0.0.1:1/"), AccessToken = ArmResourcesTests.Token() },
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new PrivateEndpointFleet().RunAsync(request, _ => { }, CancellationToken.None));

        Assert.Contains(expected, error.Message);
    }
}
