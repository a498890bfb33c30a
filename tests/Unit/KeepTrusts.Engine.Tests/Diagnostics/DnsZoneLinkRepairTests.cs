using System.Text.Json;
using KeepTrusts.Engine.Azure;
using KeepTrusts.Engine.Diagnostics;
using KeepTrusts.Engine.Repair;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;

namespace KeepTrusts.Engine.Tests.Diagnostics;

public sealed class DnsZoneLinkRepairTests
{
    private static DnsZoneLinkRepairRequest RequestFor(PrivateEndpointTopology topology, FakeArmServer fake, string? peId = null) => new()
    {
        PrivateEndpointId = peId ?? topology.PrivateEndpointId,
        VirtualNetworkIds = [topology.HubVnetId, topology.SpokeVnetId],
        ZoneResourceGroupId = topology.NetworkResourceGroupId,
        Arm = ArmResourcesTests.Options(fake),
    };

    private static async Task<List<RepairActionResult>> RunAsync(DnsZoneLinkRepairRequest request, bool whatIf = false)
    {
        var repair = new DnsZoneLinkRepair(request.Arm);
        var plan = await repair.PlanAsync(request, CancellationToken.None);
        var results = new List<RepairActionResult>();
        foreach (var step in plan.Steps)
        {
            results.Add(whatIf ? DnsZoneLinkRepair.Skipped(step) : await repair.ApplyAsync(step, CancellationToken.None));
        }

        return results;
    }

    [RequiresDnsmasqTheory]
    [InlineData(PrivateEndpointScenario.ZoneLinkedToHubOnly, "AlreadyPresent,AlreadyPresent,Created,AlreadyPresent")]
    [InlineData(PrivateEndpointScenario.NoZoneGroup, "AlreadyPresent,AlreadyPresent,AlreadyPresent,Created")]
    [InlineData(PrivateEndpointScenario.PublicAccessNoDns, "Created,Created,Created,Created")]
    public async Task Repair_turns_dns_scenarios_green_and_a_second_run_changes_nothing(PrivateEndpointScenario scenario, string expected)
    {
        await using var lab = await PrivateEndpointLab.StartAsync(scenario);
        lab.Arm.PollsBeforeSuccess = 2;

        var first = await RunAsync(RequestFor(lab.Topology, lab.Arm));
        lab.ReloadDnsFromArm();
        var report = await lab.RunAsync();
        lab.Arm.ClearRequests();
        var second = await RunAsync(RequestFor(lab.Topology, lab.Arm));

        Assert.Equal(expected, string.Join(",", first.Select(r => r.Result)));
        Assert.Equal(
            ["CreateZone", "LinkVirtualNetwork", "LinkVirtualNetwork", "CreateZoneGroup"],
            first.Select(r => r.Action.ToString()));
        Assert.DoesNotContain(report.Checks, c => c.Status == CheckStatus.Fail);
        Assert.All(second, r => Assert.Equal(RepairOutcome.AlreadyPresent, r.Result));
        Assert.Empty(lab.Arm.WriteRequests);
    }

    [Fact]
    public async Task Writes_wait_for_the_async_operation_and_send_global_links_without_registration()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.PublicAccessNoDns));
        fake.PollsBeforeSuccess = 2;

        await RunAsync(RequestFor(topology, fake));

        var writes = fake.WriteRequests;
        Assert.Equal(4, writes.Count);
        Assert.All(writes, w => Assert.Equal("PUT", w.Method));
        var link = JsonDocument.Parse(writes.Single(w => w.Path.EndsWith("link-spoke-vnet", StringComparison.Ordinal)).Body!).RootElement;
        Assert.Equal("global", link.GetProperty("location").GetString());
        Assert.False(link.GetProperty("properties").GetProperty("registrationEnabled").GetBoolean());
        Assert.Equal(topology.SpokeVnetId, link.GetProperty("properties").GetProperty("virtualNetwork").GetProperty("id").GetString());
        var group = JsonDocument.Parse(writes.Single(w => w.Path.EndsWith("/privateDnsZoneGroups/default", StringComparison.Ordinal)).Body!).RootElement;
        var config = group.GetProperty("properties").GetProperty("privateDnsZoneConfigs")[0];
        Assert.Equal(topology.ZoneId, config.GetProperty("properties").GetProperty("privateDnsZoneId").GetString());
        Assert.Equal("privatelink-openai-azure-com", config.GetProperty("name").GetString());
        // Each PUT is polled until Succeeded: two InProgress answers, then the final one.
        Assert.Equal(4 * 3, fake.Requests.Count(r => r.Path.Contains("/operations/", StringComparison.Ordinal)));
        Assert.Equal("Succeeded", fake.Store.Get(topology.ZoneGroupId)!["properties"]!["provisioningState"]!.GetValue<string>());
        Assert.Equal(topology.PrivateIp, fake.Store.Get(topology.ARecordId)!["properties"]!["aRecords"]![0]!["ipv4Address"]!.GetValue<string>());
    }

    [Fact]
    public async Task Plan_without_apply_sends_no_write_and_leaves_arm_unchanged()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.PublicAccessNoDns));
        var before = fake.Store.Snapshot();

        var results = await RunAsync(RequestFor(topology, fake), whatIf: true);

        Assert.All(results, r => Assert.Equal(RepairOutcome.WouldCreate, r.Result));
        Assert.Empty(fake.WriteRequests);
        Assert.All(fake.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Equal(before, fake.Store.Snapshot());
    }

    [Fact]
    public async Task Forbidden_write_names_the_resource_and_the_missing_permission()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.PublicAccessNoDns));
        fake.AddFault(new ArmFault("PUT", "Microsoft.Network/privateDnsZones", 403));

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => RunAsync(RequestFor(topology, fake)));

        Assert.Equal(ArmErrorKind.Forbidden, error.Kind);
        Assert.Equal("Microsoft.Network/privateDnsZones/write", error.Permission);
        Assert.Equal(topology.ZoneId, error.ResourceId);
        Assert.Contains("Microsoft.Network/privateDnsZones/write", error.Message);
        Assert.Contains(topology.ZoneId, error.Message);
        Assert.DoesNotContain("fake-arm-token", error.Message);
    }

    [Fact]
    public async Task Wrong_private_endpoint_id_is_a_not_found_naming_the_id()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.NoZoneGroup));
        var wrongId = topology.PrivateEndpointId + "-typo";

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => RunAsync(RequestFor(topology, fake, wrongId)));

        Assert.Equal(ArmErrorKind.NotFound, error.Kind);
        Assert.Contains(wrongId, error.Message);
        Assert.Empty(fake.WriteRequests);
    }

    [Fact]
    public async Task Conflict_tells_to_wait_and_rerun()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.ZoneLinkedToHubOnly));
        fake.AddFault(new ArmFault("PUT", "Microsoft.Network/privateDnsZones/virtualNetworkLinks", 409));

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => RunAsync(RequestFor(topology, fake)));

        Assert.Equal(ArmErrorKind.Conflict, error.Kind);
        Assert.Equal(topology.SpokeLinkId, error.ResourceId);
        Assert.Contains("another operation is in progress", error.Message);
        Assert.Contains("idempotent", error.Message);
    }

    [Fact]
    public async Task Forbidden_read_during_diagnostics_is_reported_and_dependent_checks_skip()
    {
        var topology = new PrivateEndpointTopology();
        await using var fake = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.Healthy));
        fake.AddFault(new ArmFault("GET", "Microsoft.Network/privateEndpoints", 403));

        var report = await new PrivateEndpointDiagnostics().RunAsync(new PrivateEndpointDiagnosticRequest
        {
            Endpoint = topology.EndpointUrl,
            AccountResourceId = topology.AccountId,
            DnsServer = "127.0.0.1:1",
            DnsTimeout = TimeSpan.FromMilliseconds(300),
            Arm = ArmResourcesTests.Options(fake),
        }, CancellationToken.None);

        var failure = Assert.Single(report.ArmFailures);
        Assert.Equal(ArmErrorKind.Forbidden, failure.Kind);
        Assert.Equal("Microsoft.Network/privateEndpoints/read", failure.Permission);
        var zoneGroup = report.Checks.Single(c => c.Check == PrivateEndpointCheckIds.DnsZoneGroup);
        Assert.Equal(CheckStatus.Skipped, zoneGroup.Status);
        Assert.Contains("Microsoft.Network/privateEndpoints/read", zoneGroup.Message);
    }

    [RequiresDnsmasqFact]
    public async Task FixStaleRecord_rewrites_the_A_record_to_the_nic_address_once_and_whatif_sends_nothing()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.StaleARecord);
        var request = new DnsZoneLinkRepairRequest
        {
            PrivateEndpointId = lab.Topology.PrivateEndpointId,
            VirtualNetworkIds = [lab.Topology.HubVnetId, lab.Topology.SpokeVnetId],
            FixStaleRecord = true,
            Arm = ArmResourcesTests.Options(lab.Arm),
        };

        var preview = await RunAsync(request, whatIf: true);
        var writesAfterPreview = lab.Arm.WriteRequests.Count;
        var applied = await RunAsync(request);
        var write = Assert.Single(lab.Arm.WriteRequests);
        lab.ReloadDnsFromArm();
        var report = await lab.RunAsync();
        lab.Arm.ClearRequests();
        var again = await RunAsync(request);

        Assert.Equal(0, writesAfterPreview);
        Assert.Equal(RepairOutcome.WouldUpdate, preview.Single(r => r.Action == RepairActionKind.RewriteARecord).Result);
        Assert.Contains("127.10.0.99 -> 127.10.0.4", preview.Single(r => r.Action == RepairActionKind.RewriteARecord).Message);
        Assert.Equal("AlreadyPresent,AlreadyPresent,AlreadyPresent,AlreadyPresent,Updated", string.Join(",", applied.Select(r => r.Result)));
        Assert.Equal(("PUT", lab.Topology.ARecordId), (write.Method, write.Path));
        var body = JsonDocument.Parse(write.Body!).RootElement;
        Assert.False(body.TryGetProperty("location", out _));
        Assert.Equal(lab.Topology.PrivateIp, body.GetProperty("properties").GetProperty("aRecords")[0].GetProperty("ipv4Address").GetString());
        Assert.Equal(10, body.GetProperty("properties").GetProperty("ttl").GetInt32());
        Assert.DoesNotContain(report.Checks, c => c.Status == CheckStatus.Fail);
        Assert.All(again, r => Assert.Equal(RepairOutcome.AlreadyPresent, r.Result));
        Assert.Empty(lab.Arm.WriteRequests);
    }
}
