using System.Management.Automation;
using KeepTrusts.Testing.Azure;
using KeepTrusts.Testing.Dns;

namespace KeepTrusts.Module.Tests;

[Collection(ModuleCollection.Name)]
public sealed class PrivateEndpointCmdletTests(ModuleFixture module)
{
    private static string Prop(PSObject o, string name) => o.Properties[name].Value?.ToString() ?? string.Empty;

    private static int? Gotcha(PSObject o) => (int?)o.Properties["Gotcha"].Value;

    private static int? ExpectedGotcha(string check) => check switch
    {
        _ when check.StartsWith("Dns.", StringComparison.Ordinal) => 1,
        "AppService.RouteAll" or "Route.Path" => 2,
        "Subnet.NetworkPolicies" or "Nsg.Allow443" => 3,
        "Sdk.Endpoint" or "AppService.Settings" => 4,
        _ => null,
    };

    [RequiresDnsmasqTheory]
    [MemberData(nameof(PrivateEndpointScenarioFailures.Rows), MemberType = typeof(PrivateEndpointScenarioFailures))]
    public async Task Each_scenario_yields_exactly_its_failing_checks_with_the_right_gotcha(PrivateEndpointScenario scenario, string expected)
    {
        await using var lab = await PrivateEndpointLab.StartAsync(scenario, pollsBeforeSuccess: 1);

        var (output, errors) = module.Invoke(PrivateEndpointScripts.TestScript, lab.TestArgs());

        Assert.Empty(errors);
        Assert.Equal(18, output.Count);
        Assert.All(output, o => Assert.Equal("KeepTrusts.PowerShell.KtPrivateEndpointCheck", o.TypeNames[0]));
        var failing = output.Where(o => Prop(o, "Status") == "Fail").ToList();
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), failing.Select(o => Prop(o, "Check")));
        Assert.All(failing, o => Assert.Equal(ExpectedGotcha(Prop(o, "Check")), Gotcha(o)));
        Assert.All(failing, o => Assert.False(string.IsNullOrWhiteSpace(Prop(o, "Remediation"))));
        Assert.DoesNotContain(output, o => o.Properties.Any(p => p.Value?.ToString()?.Contains(PrivateEndpointScripts.TokenText, StringComparison.Ordinal) == true));
    }

    [RequiresDnsmasqFact]
    public async Task Summary_names_the_first_broken_link_and_its_fix()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.ZoneLinkedToHubOnly, pollsBeforeSuccess: 1);

        var (output, errors) = module.Invoke(PrivateEndpointScripts.TestScript + " -Summary", lab.TestArgs());

        Assert.Empty(errors);
        var summary = Assert.Single(output);
        Assert.Equal("KeepTrusts.PowerShell.KtPrivateEndpointSummary", summary.TypeNames[0]);
        Assert.False((bool)summary.Properties["Healthy"].Value);
        Assert.Equal("Dns.PrivateIp", Prop(summary, "FirstFailingCheck"));
        Assert.Equal(1, Gotcha(summary));
        Assert.Contains("--name link-spoke-vnet --virtual-network " + lab.Topology.SpokeVnetId, Prop(summary, "Remediation"));
    }

    [RequiresDnsmasqTheory]
    [InlineData(PrivateEndpointScenario.ZoneLinkedToHubOnly)]
    [InlineData(PrivateEndpointScenario.NoZoneGroup)]
    [InlineData(PrivateEndpointScenario.PublicAccessNoDns)]
    public async Task Repair_fixes_the_dns_scenario_and_a_following_test_passes(PrivateEndpointScenario scenario)
    {
        await using var lab = await PrivateEndpointLab.StartAsync(scenario, pollsBeforeSuccess: 1);

        var (actions, repairErrors) = module.Invoke(PrivateEndpointScripts.RepairScript + " -Force", lab.RepairArgs());
        lab.ReloadDnsFromArm();
        var (checks, testErrors) = module.Invoke(PrivateEndpointScripts.TestScript, lab.TestArgs());
        lab.Arm.ClearRequests();
        var (again, _) = module.Invoke(PrivateEndpointScripts.RepairScript + " -Force", lab.RepairArgs());

        Assert.Empty(repairErrors);
        Assert.Empty(testErrors);
        Assert.Equal(4, actions.Count);
        Assert.All(actions, a => Assert.Equal("KeepTrusts.PowerShell.KtDnsZoneLinkAction", a.TypeNames[0]));
        Assert.Contains(actions, a => Prop(a, "Result") == "Created");
        Assert.DoesNotContain(checks, c => Prop(c, "Status") == "Fail");
        Assert.All(again, a => Assert.Equal("AlreadyPresent", Prop(a, "Result")));
        Assert.Empty(lab.Arm.WriteRequests);
    }

    [Fact]
    public async Task WhatIf_reports_would_create_and_leaves_the_fake_unchanged()
    {
        var topology = new PrivateEndpointTopology();
        await using var arm = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.PublicAccessNoDns));
        var before = arm.Store.Snapshot();

        var (output, errors) = module.Invoke(
            "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -AccessToken $args[2] -ArmEndpoint $args[3] -SkipCertificateCheck -WhatIf",
            topology.PrivateEndpointId, new[] { topology.SpokeVnetId }, PrivateEndpointScripts.Token(), arm.Endpoint);

        Assert.Empty(errors);
        Assert.Equal(["WouldCreate", "WouldCreate", "WouldCreate", "WouldCreate"], output.Select(o => Prop(o, "Result")));
        Assert.Empty(arm.WriteRequests);
        Assert.NotEmpty(arm.Requests);
        Assert.Equal(before, arm.Store.Snapshot());
    }

    [Theory]
    [InlineData("PUT", "Microsoft.Network/privateDnsZones", 403, "KtArmForbidden", ErrorCategory.PermissionDenied, "Microsoft.Network/privateDnsZones/write")]
    [InlineData("PUT", "Microsoft.Network/privateDnsZones/virtualNetworkLinks", 409, "KtArmConflict", ErrorCategory.ResourceBusy, "another operation is in progress")]
    public async Task Arm_errors_become_error_records_naming_the_resource_and_the_fix(
        string method, string type, int status, string errorId, ErrorCategory category, string text)
    {
        var topology = new PrivateEndpointTopology();
        await using var arm = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.PublicAccessNoDns));
        arm.AddFault(new ArmFault(method, type, status));

        var (_, errors) = module.Invoke(
            "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -AccessToken $args[2] -ArmEndpoint $args[3] -SkipCertificateCheck -Force",
            topology.PrivateEndpointId, new[] { topology.SpokeVnetId }, PrivateEndpointScripts.Token(), arm.Endpoint);

        var error = Assert.Single(errors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Contains(text, error.Exception.Message);
        Assert.Contains("privatelink.openai.azure.com", (string)error.TargetObject);
        Assert.Equal("KeepTrusts.PowerShell.KtException", error.Exception.GetType().FullName);
        Assert.DoesNotContain(PrivateEndpointScripts.TokenText, error.ToString());
    }

    [Fact]
    public async Task Wrong_private_endpoint_id_is_KtArmNotFound_with_the_id_as_target()
    {
        var topology = new PrivateEndpointTopology();
        await using var arm = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.NoZoneGroup));
        var wrong = topology.PrivateEndpointId + "-old";

        var (output, errors) = module.Invoke(
            "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -AccessToken $args[2] -ArmEndpoint $args[3] -SkipCertificateCheck -Force",
            wrong, new[] { topology.SpokeVnetId }, PrivateEndpointScripts.Token(), arm.Endpoint);

        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.StartsWith("KtArmNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(wrong, error.TargetObject);
        Assert.Empty(arm.WriteRequests);
    }

    [RequiresDnsmasqFact]
    public async Task Forbidden_read_in_test_is_an_error_record_and_the_checks_say_skipped()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy, pollsBeforeSuccess: 1);
        lab.Arm.AddFault(new ArmFault("GET", "Microsoft.CognitiveServices/accounts", 403));

        var (output, errors) = module.Invoke(PrivateEndpointScripts.TestScript, lab.TestArgs());

        var error = Assert.Single(errors);
        Assert.StartsWith("KtArmForbidden,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Equal(lab.Topology.AccountId, error.TargetObject);
        Assert.Contains("Microsoft.CognitiveServices/accounts/read", error.Exception.Message);
        var connection = output.Single(o => Prop(o, "Check") == "PrivateEndpoint.Connection");
        Assert.Equal("Skipped", Prop(connection, "Status"));
        Assert.Contains("Microsoft.CognitiveServices/accounts/read", Prop(connection, "Message"));
        Assert.Equal("Pass", Prop(output.Single(o => Prop(o, "Check") == "Dns.Resolution"), "Status"));
    }

    [RequiresDnsmasqFact]
    public async Task Endpoint_comes_from_the_environment_and_properties_bind_from_the_pipeline()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.AppServiceWithoutRouteAll, pollsBeforeSuccess: 1);
        var args = lab.TestArgs();

        var (fromEnv, envErrors) = module.Invoke(
            "$env:AZURE_OPENAI_ENDPOINT = $args[0]; try { Test-KtPrivateEndpoint -AccountResourceId $args[1] -AppServiceResourceId $args[2] -DnsServer $args[3] -Port $args[4] -AccessToken $args[5] -ArmEndpoint $args[6] -SkipCertificateCheck -Summary } finally { [Environment]::SetEnvironmentVariable('AZURE_OPENAI_ENDPOINT', $null) }",
            args);
        var (piped, pipeErrors) = module.Invoke(
            "[pscustomobject]@{ Endpoint = $args[0]; AccountResourceId = $args[1]; AppServiceResourceId = $args[2] } | Test-KtPrivateEndpoint -DnsServer $args[3] -Port $args[4] -AccessToken $args[5] -ArmEndpoint $args[6] -SkipCertificateCheck -Summary",
            args);

        Assert.Empty(envErrors);
        Assert.Empty(pipeErrors);
        Assert.Equal("AppService.RouteAll", Prop(Assert.Single(fromEnv), "FirstFailingCheck"));
        Assert.Equal(2, Gotcha(Assert.Single(fromEnv)));
        Assert.Equal("AppService.RouteAll", Prop(Assert.Single(piped), "FirstFailingCheck"));
    }

    [RequiresDnsmasqFact]
    public async Task Verbose_says_what_is_called_and_never_the_token()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy, pollsBeforeSuccess: 1);

        var (output, _) = module.Invoke(PrivateEndpointScripts.TestScript + " -Summary -Verbose 4>&1", lab.TestArgs());

        var verbose = output.Select(o => o.BaseObject).OfType<VerboseRecord>().Select(v => v.Message).ToList();
        Assert.Contains(verbose, v => v.StartsWith("GET " + lab.Topology.AccountId + "?api-version=2024-10-01", StringComparison.Ordinal));
        Assert.Contains(verbose, v => v.Contains("privateDnsZones/privatelink.openai.azure.com/virtualNetworkLinks?api-version=2024-06-01", StringComparison.Ordinal));
        Assert.Contains(verbose, v => v.StartsWith("TLS handshake with " + lab.Topology.PrivateIp, StringComparison.Ordinal));
        Assert.DoesNotContain(verbose, v => v.Contains(PrivateEndpointScripts.TokenText, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_endpoint_is_an_error_saying_what_to_pass()
    {
        var (output, errors) = module.Invoke("[Environment]::SetEnvironmentVariable('AZURE_OPENAI_ENDPOINT', $null); Test-KtPrivateEndpoint");

        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.StartsWith("KtEndpointMissing,", error.FullyQualifiedErrorId);
        Assert.Contains("-Endpoint https://<name>.openai.azure.com/", error.Exception.Message);
    }

    [Fact]
    public void Ip_endpoint_and_wrong_id_type_are_rejected_before_any_network_call()
    {
        var (ipOutput, ipErrors) = module.Invoke("Test-KtPrivateEndpoint -Endpoint https://10.1.2.4/");
        var vnet = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v";
        var (repairOutput, repairErrors) = module.Invoke(
            "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[0] -AccessToken $args[1] -ArmEndpoint https://127.0.0.1:1/ -WhatIf",
            vnet, PrivateEndpointScripts.Token());

        Assert.Empty(ipOutput);
        var ipError = Assert.Single(ipErrors);
        Assert.StartsWith("KtInvalidArgument,", ipError.FullyQualifiedErrorId);
        Assert.Contains("FQDN", ipError.Exception.Message);
        Assert.Empty(repairOutput);
        var idError = Assert.Single(repairErrors);
        Assert.StartsWith("KtInvalidArgument,", idError.FullyQualifiedErrorId);
        Assert.Contains("is a Microsoft.Network/virtualNetworks, not a Microsoft.Network/privateEndpoints", idError.Exception.Message);
    }

    [Fact]
    public async Task Without_Force_in_a_host_that_cannot_prompt_it_stops_before_writing_and_says_to_add_Force()
    {
        var topology = new PrivateEndpointTopology();
        await using var arm = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.PublicAccessNoDns));

        var (output, errors) = module.Invoke(
            "Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -AccessToken $args[2] -ArmEndpoint $args[3] -SkipCertificateCheck",
            topology.PrivateEndpointId, new[] { topology.SpokeVnetId }, PrivateEndpointScripts.Token(), arm.Endpoint);

        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.StartsWith("KtConfirmationNotPossible,", error.FullyQualifiedErrorId);
        Assert.Contains("-Force", error.ErrorDetails.RecommendedAction);
        Assert.Empty(arm.WriteRequests);
    }

    [Fact]
    public async Task Repair_reports_progress_while_it_waits_for_operations()
    {
        var topology = new PrivateEndpointTopology();
        await using var arm = await FakeArmServer.StartAsync(topology.BuildStore(PrivateEndpointScenario.NoZoneGroup));
        using var shell = System.Management.Automation.PowerShell.Create(module.Runspace);
        shell.AddScript("Repair-KtDnsZoneLink -PrivateEndpointId $args[0] -VirtualNetworkId $args[1] -AccessToken $args[2] -ArmEndpoint $args[3] -SkipCertificateCheck -Force")
            .AddArgument(topology.PrivateEndpointId).AddArgument(new[] { topology.SpokeVnetId }).AddArgument(PrivateEndpointScripts.Token()).AddArgument(arm.Endpoint);

        var output = shell.Invoke();

        Assert.Equal("Created", Prop(output.Single(o => Prop(o, "Action") == "CreateZoneGroup"), "Result"));
        var progress = shell.Streams.Progress.ToList();
        Assert.Contains(progress, p => p.StatusDescription.Contains("Creating the DNS zone group on pe-openai-eastus", StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, progress.Last().RecordType);
    }

    [Theory]
    [InlineData("Test-KtPrivateEndpoint")]
    [InlineData("Repair-KtDnsZoneLink")]
    public void Help_has_a_runbook_example_with_managed_identity_and_an_interactive_one(string name)
    {
        var (titles, errors) = module.Invoke("(Get-Help -Name $args[0] -Examples).examples.example | ForEach-Object { $_.title + ' ' + (($_.remarks | ForEach-Object { $_.Text }) -join ' ') }", name);

        Assert.Empty(errors);
        var text = string.Join("\n", titles.Select(t => t.BaseObject.ToString()));
        Assert.Contains("managed identity", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Runbook", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("interactive", text, StringComparison.OrdinalIgnoreCase);
    }

    [RequiresDnsmasqFact]
    public async Task Summary_pipes_into_Repair_which_links_the_missing_spoke()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.ZoneLinkedToHubOnly, pollsBeforeSuccess: 1);

        var (output, errors) = module.Invoke(
            PrivateEndpointScripts.TestScript + " -Summary | Repair-KtDnsZoneLink -AccessToken $args[5] -ArmEndpoint $args[6] -SkipCertificateCheck -Force",
            lab.TestArgs());

        Assert.Empty(errors);
        var created = Assert.Single(output, o => Prop(o, "Result") == "Created");
        Assert.Equal(lab.Topology.SpokeLinkId, Prop(created, "Target"));
        Assert.Equal(3, output.Count(o => Prop(o, "Result") == "AlreadyPresent"));
    }

    [RequiresDnsmasqFact]
    public async Task FixStaleRecord_previews_with_WhatIf_then_rewrites_the_record_and_the_next_test_passes()
    {
        await using var lab = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.StaleARecord, pollsBeforeSuccess: 1);
        var before = lab.Arm.Store.Snapshot();

        var (preview, previewErrors) = module.Invoke(PrivateEndpointScripts.RepairScript + " -FixStaleRecord -WhatIf", lab.RepairArgs());
        var previewWrites = lab.Arm.WriteRequests.Count;
        var unchanged = lab.Arm.Store.Snapshot() == before;
        var (applied, appliedErrors) = module.Invoke(PrivateEndpointScripts.RepairScript + " -FixStaleRecord -Force", lab.RepairArgs());
        lab.ReloadDnsFromArm();
        var (checks, testErrors) = module.Invoke(PrivateEndpointScripts.TestScript, lab.TestArgs());

        Assert.Empty(previewErrors);
        Assert.Empty(appliedErrors);
        Assert.Empty(testErrors);
        Assert.Equal(0, previewWrites);
        Assert.True(unchanged);
        var wouldRewrite = preview.Single(o => Prop(o, "Action") == "RewriteARecord");
        Assert.Equal("WouldUpdate", Prop(wouldRewrite, "Result"));
        Assert.Equal(lab.Topology.ARecordId, Prop(wouldRewrite, "Target"));
        Assert.Equal("Updated", Prop(applied.Single(o => Prop(o, "Action") == "RewriteARecord"), "Result"));
        Assert.Equal(lab.Topology.PrivateIp, lab.Arm.Store.Get(lab.Topology.ARecordId)!["properties"]!["aRecords"]![0]!["ipv4Address"]!.GetValue<string>());
        Assert.DoesNotContain(checks, c => Prop(c, "Status") == "Fail");
    }

    [RequiresDnsmasqFact]
    public async Task App_settings_are_judged_from_arm_and_a_missing_list_permission_skips_without_an_error()
    {
        await using var wrong = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.AppSettingsWrongEndpoint, pollsBeforeSuccess: 1);
        await using var denied = await PrivateEndpointLab.StartAsync(PrivateEndpointScenario.Healthy, pollsBeforeSuccess: 1);
        denied.Arm.AddFault(new ArmFault("POST", "Microsoft.Web/sites/config", 403));

        var (wrongOutput, wrongErrors) = module.Invoke(PrivateEndpointScripts.TestScript, wrong.TestArgs());
        var (deniedOutput, deniedErrors) = module.Invoke(PrivateEndpointScripts.TestScript, denied.TestArgs());

        Assert.Empty(wrongErrors);
        Assert.Empty(deniedErrors);
        var failing = wrongOutput.Single(o => Prop(o, "Check") == "AppService.Settings");
        Assert.Equal(("Fail", (int?)4), (Prop(failing, "Status"), Gotcha(failing)));
        Assert.Contains("AZURE_OPENAI_ENDPOINT=https://kt-openai-eastus.openai.azure.com/", Prop(failing, "Remediation"));
        Assert.DoesNotContain(wrongOutput, o => o.Properties.Any(p => p.Value?.ToString()?.Contains(PrivateEndpointTopology.SecretText, StringComparison.Ordinal) == true));
        var skipped = deniedOutput.Single(o => Prop(o, "Check") == "AppService.Settings");
        Assert.Equal("Skipped", Prop(skipped, "Status"));
        Assert.Contains("Microsoft.Web/sites/config/list/action", Prop(skipped, "Message"));
    }

    [RequiresDnsmasqFact]
    public async Task Fleet_mode_writes_one_summary_per_account_with_Account_set_and_counts_accounts_in_progress()
    {
        await using var lab = await FleetLab.StartAsync(12, resourceGraphPageSize: 5);
        using var shell = System.Management.Automation.PowerShell.Create(module.Runspace);
        shell.AddScript("Test-KtPrivateEndpoint -SubscriptionId $args[0] -DnsServer $args[1] -Port $args[2] -AccessToken $args[3] -ArmEndpoint $args[4] -SkipCertificateCheck -ThrottleLimit 4 -Summary")
            .AddArgument(FleetLab.Subscription).AddArgument(lab.Dns.Endpoint).AddArgument(lab.Port).AddArgument(PrivateEndpointScripts.Token()).AddArgument(lab.Arm.Endpoint);

        var output = shell.Invoke();

        Assert.Empty(shell.Streams.Error);
        Assert.Equal(12, output.Count);
        Assert.All(output, o => Assert.Equal("KeepTrusts.PowerShell.KtPrivateEndpointSummary", o.TypeNames[0]));
        Assert.Equal(lab.Accounts.Select(a => a.AccountId).Order(), output.Select(o => Prop(o, "Account")).Order());
        var stale = output.Single(o => Prop(o, "Account") == lab.Accounts[FleetLab.StaleIndex].AccountId);
        Assert.False((bool)stale.Properties["Healthy"].Value);
        Assert.Equal("Dns.PrivateIp", Prop(stale, "FirstFailingCheck"));
        Assert.Contains("-FixStaleRecord -WhatIf", Prop(stale, "Remediation"));
        Assert.Equal(11, output.Count(o => (bool)o.Properties["Healthy"].Value));
        var progress = shell.Streams.Progress.ToList();
        Assert.Contains(progress, p => p.StatusDescription == "12/12 accounts checked, 1 not healthy");
        Assert.Equal(ProgressRecordType.Completed, progress.Last().RecordType);
        Assert.Empty(lab.Arm.WriteRequests);
    }

    [Fact]
    public void Fleet_parameters_are_a_separate_parameter_set_and_bad_input_is_KtInvalidArgument()
    {
        var (_, mixErrors) = module.Invoke("Test-KtPrivateEndpoint -SubscriptionId 11111111-1111-4111-8111-111111111111 -Endpoint https://x.openai.azure.com/");
        var (output, errors) = module.Invoke("Test-KtPrivateEndpoint -SubscriptionId not-a-guid -AccessToken $args[0] -ArmEndpoint https://127.0.0.1:1/", PrivateEndpointScripts.Token());

        Assert.Contains("AmbiguousParameterSet", Assert.Single(mixErrors).FullyQualifiedErrorId);
        Assert.Empty(output);
        var error = Assert.Single(errors);
        Assert.StartsWith("KtInvalidArgument,", error.FullyQualifiedErrorId);
        Assert.Contains("-SubscriptionId 'not-a-guid' is not a subscription id", error.Exception.Message);
    }
}
